import net from 'node:net';
import os from 'node:os';

/**
 * The addresses a node tells others to reach it on. Configured ones win; otherwise every
 * non-internal interface address when bound to all interfaces, or the bind address itself.
 */
export function advertisedAddresses(
  bindHost: string,
  configured: readonly string[],
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  if (configured.length > 0) return [...new Set(configured)];
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return [bindHost];
  const found: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === 'IPv6' && (bindHost === '0.0.0.0' || info.address.startsWith('fe80:'))) continue;
      found.push(info.address);
    }
  }
  return found.length > 0 ? [...new Set(found)] : ['127.0.0.1'];
}

/**
 * The IP addresses to put in the leaf's SAN: the advertised IPs plus loopback, so local tools
 * (grpcurl, buf curl) can dial 127.0.0.1 and still verify the certificate.
 */
export function leafIpAddresses(advertised: readonly string[]): string[] {
  return [...new Set([...advertised.filter((a) => net.isIP(a) !== 0), '127.0.0.1', '::1'])];
}

/** Host names among the advertised addresses, plus `localhost`, for the leaf's DNS SANs. */
export function leafDnsNames(advertised: readonly string[]): string[] {
  return [...new Set([...advertised.filter((a) => net.isIP(a) === 0), 'localhost'])];
}
