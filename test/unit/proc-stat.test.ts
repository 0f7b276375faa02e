import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import { cpuSeconds, loopbackTraffic, payloadBytes, rssMb, TCP_HEADER_BYTES, UDP_HEADER_BYTES } from '../helpers/proc-stat';

// The /proc readings the cluster benchmarks rest on (test/bench/cluster-measure.ts).

test('payloadBytes takes the IP/TCP/UDP headers off the loopback byte count', () => {
  const from = { ipBytes: 1000, tcpSegments: 10, udpDatagrams: 5, ipv6Packets: 0 };
  const to = { ipBytes: 1000 + 3 * (TCP_HEADER_BYTES + 100) + 2 * (UDP_HEADER_BYTES + 40), tcpSegments: 13, udpDatagrams: 7, ipv6Packets: 0 };
  assert.equal(payloadBytes(from, to), 380);
});

test('cpuSeconds grows with CPU this process burns; rssMb reads a plausible resident size', async () => {
  const before = await cpuSeconds(process.pid);
  const until = process.cpuUsage().user + 200_000;
  while (process.cpuUsage().user < until);
  assert.ok((await cpuSeconds(process.pid)) - before >= 0.1);
  const rss = await rssMb(process.pid);
  assert.ok(rss > 10 && rss < 4096, `rss ${rss} MB`);
});

test('loopback payload counts what is written to UDP and TCP sockets (at least: others may share the namespace)', async () => {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const from = await loopbackTraffic();
    for (let i = 0; i < 10; i++) await new Promise<void>((r, j) => udp.send(Buffer.alloc(1000), (udp.address() as { port: number }).port, '127.0.0.1', (e) => (e ? j(e) : r())));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', r));
    await new Promise<void>((r) => socket.end(Buffer.alloc(50_000), r));
    await new Promise((r) => setTimeout(r, 100));
    const to = await loopbackTraffic();
    assert.ok(to.udpDatagrams - from.udpDatagrams >= 10);
    assert.ok(payloadBytes(from, to) >= 60_000, `payload ${payloadBytes(from, to)}`);
  } finally {
    udp.close();
    server.close();
  }
});
