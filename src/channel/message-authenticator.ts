import { createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { CaPublicKeys } from '../identity/ca-public-keys';
import { signingBytes, type SignedMessage, type UnsignedMessage } from './message';

/**
 * Signs this node's channel messages and checks everybody's (the channel's counterpart of
 * membership's RecordAuthenticator). Injected, so the simulator can use a cheap keyed hash
 * (src/testing/sim-authenticator.ts) where production uses the node CA key.
 */
export interface MessageAuthenticator {
  /** Signs `message` (its canonical bytes) as this node. May complete later (RSA signing runs off the event loop). */
  sign(message: UnsignedMessage): Uint8Array | Promise<Uint8Array>;
  /**
   * True when `message.signature` over its canonical bytes was made by the key of the CA in
   * `caCertPem` (the origin's, from its membership record) and that CA is the origin's (in
   * production: the origin's id is derived from the CA's public key).
   */
  verify(message: SignedMessage, caCertPem: string): boolean;
}

/**
 * The production authenticator: RSA PKCS#1 v1.5 with SHA-256 under the node CA key, as for
 * membership records. Signing (about 1 ms for RSA-2048) runs on libuv's thread pool so that a
 * burst of publishes does not stall the event loop; verifying (tens of µs) runs inline.
 */
export class CaMessageAuthenticator implements MessageAuthenticator {
  private privateKey: KeyObject | undefined;
  private readonly keys: CaPublicKeys;

  /** `caKeyPem` may be omitted for a verifier that never signs. */
  constructor(caKeyPem?: string, keys = new CaPublicKeys()) {
    this.privateKey = caKeyPem === undefined ? undefined : createPrivateKey(caKeyPem);
    this.keys = keys;
  }

  /** Signs with another key from now on: the new node CA after a CA rotation. */
  useSigningKey(caKeyPem: string): void {
    this.privateKey = createPrivateKey(caKeyPem);
  }

  sign(message: UnsignedMessage): Promise<Uint8Array> {
    const key = this.privateKey;
    if (!key) return Promise.reject(new TypeError('this authenticator was built without a CA key and cannot sign'));
    const bytes = signingBytes(message);
    return new Promise((resolve, reject) => sign('sha256', bytes, key, (error, signature) => (error ? reject(error) : resolve(signature))));
  }

  verify(message: SignedMessage, caCertPem: string): boolean {
    const ca = this.keys.get(caCertPem);
    // A CA named for the origin: its own key derives the id, or (a rotated CA) membership proved
    // it through the origin's lineage before handing it here.
    if (!ca || ca.subjectCn !== `${message.origin} CA`) return false;
    try {
      return verify('sha256', signingBytes(message), ca.key, message.signature);
    } catch {
      return false;
    }
  }
}
