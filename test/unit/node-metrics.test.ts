import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { NodeMetrics } from '../../src/metrics/metrics';
import { InvalidMetricError, pluginMetricPrefix, pluginMetrics } from '../../src/metrics/plugin-metrics';
import { GossipCounters } from '../../src/membership/gossip-counters';

const PROMTOOL = '/usr/bin/promtool';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function running(): { metrics: NodeMetrics; gossip: GossipCounters } {
  const now = 1_000_000;
  const metrics = new NodeMetrics({ processMetrics: true, now: () => now });
  metrics.attach({
    identity: { version: '1.2.3', nodeId: 'abc', cluster: 'prod' },
    members: () => [{ state: 'alive' }, { state: 'alive' }, { state: 'suspect' }, { state: 'dead' }],
    caNotAfterMs: () => now + 90_000,
    tokens: () => [
      { mode: 'server', status: 'active' },
      { mode: 'client', status: 'revoked' },
    ],
    plugins: () => [{ name: 'kv', state: 'running' }],
    latencyGroups: () => 2,
  });
  metrics.setLeafNotAfter(new Date(now + 30_000));
  const gossip = new GossipCounters();
  gossip.message('sent', 'exchange', 120);
  gossip.message('sent', 'exchange', 80);
  gossip.message('received', 'ping', 10);
  gossip.event('suspicions', 2);
  gossip.event('refutations');
  metrics.attachGossipCounters(gossip);
  metrics.memberEvents.inc({ event: 'dead' });
  metrics.joinAttempts.inc({ result: 'refused', code: 'ERR_JOIN_TOKEN' });
  metrics.pingRtt.observe(0.002);
  const port = (held: number, refusedPerSource: number) => ({ held, accepted: held + 3, refusedPerSource, refusedPortLimit: 0, refusedBudget: 1, closedUnused: 2, closedIdle: 5, closedLifetime: 0, watchRefused: 0 });
  metrics.attachPortCounters(() => ({ register: port(4, 7), gossip: port(12, 0), health: port(0, 0) }));
  return { metrics, gossip };
}

test('members by state, cluster facts and gossip counters are read at scrape time', async () => {
  const { metrics, gossip } = running();
  const text = await metrics.registry.metrics();
  assert.equal(sample(text, 'g2g_members{state="alive"}'), 2);
  assert.equal(sample(text, 'g2g_members{state="suspect"}'), 1);
  assert.equal(sample(text, 'g2g_members{state="dead"}'), 1);
  assert.equal(sample(text, 'g2g_members{state="left"}'), 0, 'every state present, zeros included');
  assert.equal(sample(text, 'g2g_peer_table_size'), 4);
  assert.equal(sample(text, 'g2g_build_info{version="1.2.3",node_id="abc",cluster="prod"}'), 1);
  assert.equal(sample(text, 'g2g_ca_expiry_seconds'), 90);
  assert.equal(sample(text, 'g2g_leaf_expiry_seconds'), 30);
  assert.equal(sample(text, 'g2g_tokens{mode="server",status="active"}'), 1);
  assert.equal(sample(text, 'g2g_tokens{mode="client",status="revoked"}'), 1);
  assert.equal(sample(text, 'g2g_plugin_state{plugin="kv",state="running"}'), 1);
  assert.equal(sample(text, 'g2g_plugin_state{plugin="kv",state="failed"}'), 0);
  assert.equal(sample(text, 'g2g_latency_groups'), 2);
  assert.equal(sample(text, 'g2g_gossip_messages_total{kind="exchange",direction="sent"}'), 2);
  assert.equal(sample(text, 'g2g_gossip_bytes_total{kind="exchange",direction="sent"}'), 200);
  assert.equal(sample(text, 'g2g_gossip_messages_total{kind="ping",direction="received"}'), 1);
  assert.equal(sample(text, 'g2g_suspicions_total'), 2);
  assert.equal(sample(text, 'g2g_refutations_total'), 1);
  assert.equal(sample(text, 'g2g_member_events_total{event="dead"}'), 1);
  assert.equal(sample(text, 'g2g_join_attempts_total{result="refused",code="ERR_JOIN_TOKEN"}'), 1);
  assert.equal(sample(text, 'g2g_ping_rtt_seconds_count'), 1);
  // Counters mirror: a later scrape sees later counts, not a sum of scrapes.
  gossip.event('suspicions');
  const again = await metrics.registry.metrics();
  assert.equal(sample(again, 'g2g_suspicions_total'), 3);
});

test('default process and Node.js metrics keep their standard names, without *_total gauges', async () => {
  const { metrics } = running();
  const text = await metrics.registry.metrics();
  assert.match(text, /^process_cpu_seconds_total /m);
  assert.match(text, /^process_resident_memory_bytes /m);
  assert.match(text, /^nodejs_heap_size_used_bytes /m);
  assert.doesNotMatch(text, /^g2g_(process|nodejs)_/m);
  for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE '))) {
    const [, , name, type] = line.split(' ');
    if (name!.endsWith('_total')) assert.equal(type, 'counter', `${name} is a ${type}`);
  }
});

test('the ports\' connection guards: held now, accepted, refused by reason, closed by reason', async () => {
  const { metrics } = running();
  const text = await metrics.registry.metrics();
  assert.equal(sample(text, 'g2g_port_connections{port="register"}'), 4);
  assert.equal(sample(text, 'g2g_port_connections{port="gossip"}'), 12);
  assert.equal(sample(text, 'g2g_port_connections_accepted_total{port="gossip"}'), 15);
  assert.equal(sample(text, 'g2g_port_connections_refused_total{port="register",reason="per_source"}'), 7);
  assert.equal(sample(text, 'g2g_port_connections_refused_total{port="gossip",reason="budget"}'), 1);
  assert.equal(sample(text, 'g2g_port_connections_closed_total{port="register",reason="unused"}'), 2);
  assert.equal(sample(text, 'g2g_port_connections_closed_total{port="gossip",reason="idle"}'), 5);
  // Read again: a mirrored counter is set, not added to, at each scrape.
  assert.equal(sample(await metrics.registry.metrics(), 'g2g_port_connections_refused_total{port="register",reason="per_source"}'), 7);
});

test('promtool check metrics accepts the exposition', async (t) => {
  if (!existsSync(PROMTOOL)) return t.skip(`${PROMTOOL} is not installed (Debian package prometheus; .ci/run installs it)`);
  const { metrics } = running();
  pluginMetrics('kv-store', metrics.registry).counter({ name: 'writes_total', help: 'Writes.', labelNames: ['result'] }).inc({ result: 'ok' });
  const checked = spawnSync(PROMTOOL, ['check', 'metrics'], { input: await metrics.registry.metrics(), encoding: 'utf8', timeout: 30_000 });
  assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
});

test('plugin metrics carry the plugin name as prefix and refuse names Prometheus would not take', async () => {
  const { metrics } = running();
  const kv = pluginMetrics('kv-store', metrics.registry);
  const writes = kv.counter({ name: 'writes_total', help: 'Writes applied.', labelNames: ['result'] });
  writes.inc({ result: 'ok' }, 3);
  assert.equal(kv.counter({ name: 'writes_total', help: 'Writes applied.', labelNames: ['result'] }), writes, 'asked twice: the same counter');
  kv.gauge({ name: 'keys', help: 'Keys held.' }).set(7);
  kv.histogram({ name: 'apply_seconds', help: 'Time to apply.', buckets: [0.1, 1] }).observe(0.5);
  const text = await metrics.registry.metrics();
  assert.equal(sample(text, 'kv_store_writes_total{result="ok"}'), 3);
  assert.equal(sample(text, 'kv_store_keys'), 7);
  assert.equal(sample(text, 'kv_store_apply_seconds_count'), 1);
  assert.equal(pluginMetricPrefix('9lives'), '_9lives');
  const code = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof InvalidMetricError && e.code === 'ERR_PLUGIN_METRIC_INVALID');
  code(() => kv.counter({ name: 'writes', help: 'no _total' }));
  code(() => kv.gauge({ name: 'queue_total', help: 'a gauge named like a counter' }));
  code(() => kv.gauge({ name: 'bad-name', help: 'dash' }));
  code(() => kv.gauge({ name: 'writes_total', help: 'type clash' }));
  // A plugin named like the node's own prefix cannot shadow a node metric.
  code(() => pluginMetrics('g2g', metrics.registry).gauge({ name: 'members', help: 'clash' }));
});
