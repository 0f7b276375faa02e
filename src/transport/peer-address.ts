/**
 * grpc-js reports a caller as `ip:port`, `[ipv6]:port` or with an `ipv4:`/`ipv6:` scheme;
 * dual-stack sockets show IPv4 callers as `::ffff:a.b.c.d`. Returns the plain IP and port.
 */
export function parsePeerAddress(peer: string): { address: string; port: number } {
  let rest = peer.replace(/^ipv[46]:/, '');
  let address: string;
  let port = 0;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    address = bracketed[1];
    port = Number(bracketed[2] ?? 0);
  } else {
    const lastColon = rest.lastIndexOf(':');
    if (lastColon > 0 && rest.indexOf(':') === lastColon) {
      address = rest.slice(0, lastColon);
      port = Number(rest.slice(lastColon + 1));
    } else {
      address = rest;
    }
  }
  rest = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  return { address: rest, port: Number.isFinite(port) ? port : 0 };
}
