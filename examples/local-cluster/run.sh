#!/usr/bin/env bash
# A local cluster of N nodes (default 3) on loopback with the `local` profile: the first node
# nominates, the others join with its ticket. Ctrl-C stops them all (each leaves gracefully).
#   npm run build && examples/local-cluster/run.sh 5
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-3}
BASE=$(mktemp -d -t g2g-cluster-XXXX)
# V8 sized for a small long-running process: a 2 MiB young generation, slower heap growth (docs/performance.md, Memory).
G2G="node --max-semi-space-size=2 --optimize-for-size dist/src/cli/main.js"
pids=()
trap 'kill ${pids[*]} 2>/dev/null; wait; echo "stopped; data in $BASE"' EXIT INT TERM

start() { # dir [env...]
  local dir=$1; shift
  env "$@" $G2G start --profile local --data-dir "$dir" --register-port 0 --gossip-port 0 --log-level warn &
  pids+=($!)
  until [ -f "$dir/runtime.json" ]; do sleep 0.1; done
}

start "$BASE/node1"
TICKET=$($G2G nominate --reusable --ttl 1h --data-dir "$BASE/node1")
for i in $(seq 2 "$N"); do start "$BASE/node$i" G2G_JOIN="$TICKET"; done
sleep 2
$G2G members --data-dir "$BASE/node1"
echo "members of any node: $G2G members --data-dir $BASE/node2"
wait
