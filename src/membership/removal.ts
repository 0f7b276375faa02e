import type { NodeRecord } from './node-record';
import { CanonicalWriter } from './node-record';

/**
 * A member's removal from the network (`g2g remove`, g2g.v1.Removal): ordered by a server-mode
 * member and signed with its node CA key. It carries the remover's own signed record, so that any
 * member, even one whose bounded table does not hold the remover, can check who ordered it (its CA
 * and its mode) — the same trust as any record relayed by a member.
 *
 * Effects everywhere it arrives: the removed id is dropped from the table, its CA leaves the
 * gossip port's trust bundle, its calls are refused (open streams ended), and it is refused by a
 * removal tombstone for `removalTtlMs` (far longer than ordinary tombstones, persisted), so stale
 * gossip cannot bring it back and its old tokens cannot register it again.
 *
 * A later removal of the same id with `reinstated` set lifts it: that is what a register-port
 * admission with a ticket issued after the removal publishes (a removed node rejoins only with a
 * new ticket). Between two statements about one id the later `issuedAtMs` wins (ties: the
 * reinstatement), on the issuers' clocks: tickets are issued minutes or days after a removal, so
 * clock skew of seconds does not matter.
 */
export interface Removal {
  /** The removed member. */
  readonly nodeId: string;
  /** The remover's signed record at the time (a server-mode member of the same cluster). */
  readonly remover: NodeRecord;
  /** The remover's clock, ms since the epoch. */
  readonly issuedAtMs: number;
  /** True: this lifts an earlier removal (a newer ticket admitted the node again). */
  readonly reinstated: boolean;
  /** The remover's node CA signature over removalSigningBytes. */
  readonly signature: Uint8Array;
}

const REMOVAL_DOMAIN = 'g2g.v1.Removal\n';

/** The canonical bytes a remover signs (the remover's record is signed by itself already). */
export function removalSigningBytes(r: Pick<Removal, 'nodeId' | 'issuedAtMs' | 'reinstated'> & { remover: Pick<NodeRecord, 'nodeId' | 'cluster'> }): Buffer {
  const w = new CanonicalWriter();
  w.str(REMOVAL_DOMAIN);
  w.str(r.remover.cluster);
  w.str(r.nodeId);
  w.str(r.remover.nodeId);
  w.num(r.issuedAtMs);
  w.num(r.reinstated ? 1 : 0);
  return w.bytes();
}

/** True when `a` supersedes `b` (both about the same id). */
export function supersedes(a: Removal, b: Removal): boolean {
  if (a.issuedAtMs !== b.issuedAtMs) return a.issuedAtMs > b.issuedAtMs;
  return a.reinstated && !b.reinstated;
}
