import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as they go into an `iPAddress` SAN: 4 or 16 network-order bytes. node-forge's own
 * parser mishandles IPv4-mapped IPv6 (`::ffff:10.0.0.1`) and zone ids, so addresses are
 * validated with node:net and converted here.
 */

/** The SAN bytes for `ip`, or `undefined` if it is not an IP address. A zone id (`%eth0`) is dropped: SANs cannot carry one. */
export function ipToBytes(ip: string): Buffer | undefined {
  const address = ip.trim().replace(/%.*$/, '');
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  if (!isIPv6(address)) return undefined;

  let head = address;
  let v4Tail: number[] = [];
  const lastColon = address.lastIndexOf(':');
  if (address.includes('.', lastColon)) {
    v4Tail = address.slice(lastColon + 1).split('.').map(Number);
    head = address.slice(0, lastColon + 1) + '0:0'; // placeholder groups, replaced below
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const l = groups(left);
  const r = groups(right);
  const all = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (v4Tail.length === 4) Buffer.from(v4Tail).copy(out, 12);
  return out;
}

/** Canonical text for SAN bytes: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run compressed). */
export function bytesToIp(bytes: Uint8Array): string | undefined {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return undefined;
  const v4 = ipv4MappedTail(bytes);
  if (v4) return `::ffff:${v4}`; // RFC 5952 §5
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** `0.0.0.0` and `::` (in any spelling): a bind-all address, never a name a peer can dial. */
export function isUnspecifiedIp(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** For an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), the dotted IPv4 address; otherwise `undefined`. */
export function ipv4MappedTail(bytes: Uint8Array): string | undefined {
  if (bytes.length !== 16 || bytes[10] !== 0xff || bytes[11] !== 0xff || bytes.subarray(0, 10).some((b) => b !== 0)) {
    return undefined;
  }
  return Array.from(bytes.subarray(12)).join('.');
}
