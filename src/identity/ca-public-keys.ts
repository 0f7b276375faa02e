import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { boundedMap, type BoundedMap } from '../util/bounded-map';
import { subjectCommonName } from './cert-info';
import { nodeIdFromPublicKey } from './node-id';

/** A node CA's public key and the node id it implies. */
export interface CaPublicKey {
  /** The id its own key derives (for a rotated CA, not its node's id: see ca-lineage.ts). */
  readonly nodeId: string;
  /** Its subject CN is `<nodeId> CA` for that derived id: a never-rotated node CA of that node. */
  readonly named: boolean;
  /** Its subject CN (`<node id> CA` for any node CA, rotated or not). */
  readonly subjectCn: string;
  readonly key: KeyObject;
}

/**
 * Parsed node CA certificates, by PEM: parsing a certificate costs far more than verifying a
 * signature with its key, and the same few hundred CAs sign everything a node checks. Bounded:
 * the least recently used entry goes first. An unusable PEM (not a CA, not a certificate) is
 * cached too, as an empty entry.
 */
export class CaPublicKeys {
  private readonly keys: BoundedMap<string, { entry: CaPublicKey | null }>;

  constructor(maxEntries = 16_384) {
    this.keys = boundedMap(maxEntries);
  }

  get(pem: string): CaPublicKey | null {
    const cached = this.keys.get(pem);
    if (cached !== undefined) return cached.entry;
    let entry: CaPublicKey | null;
    try {
      const cert = new X509Certificate(pem);
      const spki = cert.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const nodeId = nodeIdFromPublicKey(spki);
      const cn = subjectCommonName(cert) ?? '';
      entry = cert.ca ? { nodeId, named: cn === `${nodeId} CA`, subjectCn: cn, key: createPublicKey(spki) } : null;
    } catch {
      entry = null;
    }
    this.keys.set(pem, { entry });
    return entry;
  }
}
