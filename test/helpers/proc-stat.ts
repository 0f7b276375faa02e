import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/**
 * What a process costs, read from /proc (Linux): CPU time and resident memory per process, and
 * the bytes the processes of this network namespace sent over its loopback interface.
 */

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat's utime and stime (100 on every Linux we run on). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) `pid` has used since it started. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Resident set size of `pid` in MB (VmRSS). */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export interface LoopbackTraffic {
  /** IP packets' bytes sent on `lo` (headers included; loopback carries no link-layer header). */
  ipBytes: number;
  tcpSegments: number;
  udpDatagrams: number;
  /** IPv6 packets among them (their header is 20 bytes longer than IPv4's). */
  ipv6Packets: number;
}

/**
 * Everything sent over this network namespace's loopback interface, and the TCP segments and UDP
 * datagrams that carried it. Both counters are per namespace, so they measure the processes of
 * one namespace together, whatever socket, protocol or lifetime their connections had.
 */
export async function loopbackTraffic(): Promise<LoopbackTraffic> {
  const ipBytes = Number((await readFile('/sys/class/net/lo/statistics/tx_bytes', 'utf8')).trim());
  const snmp = (await readFile('/proc/net/snmp', 'utf8')).split('\n');
  const field = (proto: string, name: string): number => {
    const rows = snmp.filter((l) => l.startsWith(`${proto}:`));
    const names = rows[0]?.split(/\s+/) ?? [];
    const values = rows[1]?.split(/\s+/) ?? [];
    return Number(values[names.indexOf(name)] ?? Number.NaN);
  };
  const snmp6 = await readFile('/proc/net/snmp6', 'utf8').catch(() => '');
  const ipv6Packets = Number(/^Ip6OutRequests\s+(\d+)/m.exec(snmp6)?.[1] ?? 0);
  return { ipBytes, tcpSegments: field('Tcp', 'OutSegs'), udpDatagrams: field('Udp', 'OutDatagrams'), ipv6Packets };
}

/**
 * Header bytes per packet on loopback: IPv4 20 + UDP 8; IPv4 20 + TCP 20 + the 12-byte
 * timestamp option Linux puts on every segment of a connection that negotiated it (the default,
 * net.ipv4.tcp_timestamps = 1). SYNs carry 8 more option bytes; connections are few beside
 * segments, so the estimate errs by a few bytes per connection opened.
 */
export const UDP_HEADER_BYTES = 28;
export const TCP_HEADER_BYTES = 52;
const IPV6_EXTRA_HEADER_BYTES = 20;

/** Payload (what processes wrote to their sockets, TLS records included) sent between two readings. */
export function payloadBytes(from: LoopbackTraffic, to: LoopbackTraffic): number {
  const tcp = to.tcpSegments - from.tcpSegments;
  const udp = to.udpDatagrams - from.udpDatagrams;
  const ipv6 = to.ipv6Packets - from.ipv6Packets;
  return Math.max(0, to.ipBytes - from.ipBytes - tcp * TCP_HEADER_BYTES - udp * UDP_HEADER_BYTES - ipv6 * IPV6_EXTRA_HEADER_BYTES);
}
