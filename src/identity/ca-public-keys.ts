import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { nodeIdFromPublicKey } from './node-id';

/** A node CA's public key and the node id it implies. */
export interface CaPublicKey {
  readonly nodeId: string;
  readonly key: KeyObject;
}

/**
 * Parsed node CA certificates, by PEM: parsing a certificate costs far more than verifying a
 * signature with its key, and the same few hundred CAs sign everything a node checks. Bounded:
 * the oldest entry goes first. An unusable PEM (not a CA, not a certificate) is cached as null.
 */
export class CaPublicKeys {
  private readonly keys = new Map<string, CaPublicKey | null>();

  constructor(private readonly maxEntries = 16_384) {}

  get(pem: string): CaPublicKey | null {
    const cached = this.keys.get(pem);
    if (cached !== undefined) return cached;
    let entry: CaPublicKey | null;
    try {
      const cert = new X509Certificate(pem);
      const spki = cert.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      entry = cert.ca ? { nodeId: nodeIdFromPublicKey(spki), key: createPublicKey(spki) } : null;
    } catch {
      entry = null;
    }
    if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(pem, entry);
    return entry;
  }
}
