import type { LiveMember, LiveSnapshot } from './live-view-source';
import type { TopicCount } from './topic-traffic';

/** The narrow shapes read (membership's MemberView, NodeRecord, PeerPool.describe()). */
interface RecordLike {
  nodeId: string;
  mode: string;
  addresses: readonly string[];
  leaf: { notAfterMs: number };
}
interface MemberLike {
  nodeId: string;
  state: string;
  mode: string;
  addresses: readonly string[];
  lastHeardMs: number;
  leaf: { notAfterMs: number };
}
interface PoolLike {
  groups: readonly { id: number; labelMs: number; members: readonly string[] }[];
  peers: readonly { nodeId: string; stats: { ewmaMs: number | null } }[];
}

/** The live page's picture of the cluster as one node holds it: itself first, then its table. */
export function liveSnapshot(input: { cluster: string; now: number; self: RecordLike | undefined; members: readonly MemberLike[]; pool: PoolLike | undefined; topics: TopicCount[] }): LiveSnapshot {
  const groups = new Map<string, { group: number; labelMs: number }>();
  // Groups are numbered nearest first (1, 2, ...), whatever ids the pool gave them.
  const ordered = [...(input.pool?.groups ?? [])].sort((a, b) => a.labelMs - b.labelMs);
  ordered.forEach((g, i) => {
    for (const id of g.members) groups.set(id, { group: i + 1, labelMs: g.labelMs });
  });
  const rtt = new Map(input.pool?.peers.map((p) => [p.nodeId, p.stats.ewmaMs]) ?? []);
  const members: LiveMember[] = [];
  if (input.self) {
    const r = input.self;
    members.push({ nodeId: r.nodeId, state: 'alive', mode: r.mode, addresses: [...r.addresses], leafNotAfterMs: r.leaf.notAfterMs, lastHeardMs: input.now, self: true });
  }
  for (const m of input.members) {
    const g = groups.get(m.nodeId);
    const ms = rtt.get(m.nodeId);
    members.push({
      nodeId: m.nodeId,
      state: m.state,
      mode: m.mode,
      addresses: [...m.addresses],
      leafNotAfterMs: m.leaf.notAfterMs,
      lastHeardMs: m.lastHeardMs,
      ...(g ? { group: g.group, groupLabelMs: g.labelMs } : {}),
      ...(ms !== null && ms !== undefined ? { rttMs: ms } : {}),
    });
  }
  return { observer: input.self?.nodeId ?? '', cluster: input.cluster, atMs: input.now, members, topics: input.topics };
}
