// One hashicorp/memberlist node per process, for `npm run bench -- memberlist-compare`.
//
// It runs DefaultLANConfig with the g2g `local` profile's timers (gossip 200 ms, probe 1 s),
// bound to 127.0.0.1 on a port the OS chooses, joins -join if given, and reports on stdout one
// JSON line per event so the benchmark sees each node's view without calling into it (a query
// port would add traffic to the idle window it measures):
//
//	{"event":"ready","name":"…","port":N}   created (and joined -join)
//	{"event":"join","name":"…"}             a node became alive in this node's view
//	{"event":"leave","name":"…"}            a node became dead (or left) in this node's view
//
// Built by the benchmark in GOPATH mode from Debian's golang-github-hashicorp-memberlist-dev
// (GO111MODULE=off, GOPATH including /usr/share/gocode): no module proxy is needed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

type line struct {
	Event string `json:"event"`
	Name  string `json:"name"`
	Port  int    `json:"port,omitempty"`
}

var mu sync.Mutex

func emit(l line) {
	b, _ := json.Marshal(l)
	mu.Lock()
	defer mu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

// events reports view changes; memberlist calls it from its own goroutines.
type events struct{}

func (events) NotifyJoin(n *memberlist.Node)   { emit(line{Event: "join", Name: n.Name}) }
func (events) NotifyLeave(n *memberlist.Node)  { emit(line{Event: "leave", Name: n.Name}) }
func (events) NotifyUpdate(n *memberlist.Node) {}

func main() {
	name := flag.String("name", "", "node name (unique in the cluster)")
	join := flag.String("join", "", "host:port of a node to join; empty starts a cluster")
	gossip := flag.Duration("gossip", 200*time.Millisecond, "GossipInterval")
	probe := flag.Duration("probe", time.Second, "ProbeInterval")
	flag.Parse()

	cfg := memberlist.DefaultLANConfig()
	cfg.Name = *name
	cfg.BindAddr = "127.0.0.1"
	cfg.BindPort = 0 // memberlist binds TCP on an OS-chosen port and UDP on the same number
	cfg.AdvertiseAddr = "127.0.0.1"
	cfg.AdvertisePort = 0
	cfg.GossipInterval = *gossip
	cfg.ProbeInterval = *probe
	cfg.LogOutput = io.Discard
	cfg.Events = events{}

	list, err := memberlist.Create(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "create:", err)
		os.Exit(1)
	}
	if *join != "" {
		if _, err := list.Join([]string{*join}); err != nil {
			fmt.Fprintln(os.Stderr, "join:", err)
			os.Exit(1)
		}
	}
	emit(line{Event: "ready", Name: *name, Port: int(list.LocalNode().Port)})
	select {}
}
