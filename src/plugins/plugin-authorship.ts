import { createPrivateKey, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import { CaPublicKeys } from '../identity/ca-public-keys';
import type { PluginAuthorship } from './contract';

/** What the node provides for plugin signatures. */
export interface AuthorshipSource {
  /** This node's current CA key (PEM): it changes on a CA rotation. */
  signingKeyPem(): string;
  /** Every CA certificate (PEM) this node holds as `nodeId`'s, verified by membership; empty when it knows none. */
  casOf(nodeId: string): readonly string[];
}

const DOMAIN = 'g2g.v1.PluginSignature\n';

/**
 * What is signed: a length-prefixed domain, the plugin's name, then the plugin's bytes. The node
 * CA key also signs records and channel messages; the domain keeps a plugin's bytes from ever
 * being taken for one of those (or for another plugin's).
 */
export function pluginSigningBytes(plugin: string, bytes: Uint8Array): Buffer {
  const domain = Buffer.from(DOMAIN, 'utf8');
  const name = Buffer.from(plugin, 'utf8');
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(domain.length, 0);
  lengths.writeUInt32BE(name.length, 4);
  return Buffer.concat([lengths, domain, name, bytes]);
}

/** A source for hosts without a node identity (some tests): signing fails, every writer is unknown. */
export const NO_AUTHORSHIP: AuthorshipSource = {
  signingKeyPem: () => {
    throw new TypeError('this plugin host has no node key to sign with');
  },
  casOf: () => [],
};

/** One plugin's {@link PluginAuthorship} over the node's CA keys. `keys` is shared (parsing a CA costs more than verifying). */
export function pluginAuthorship(plugin: string, source: AuthorshipSource, keys: CaPublicKeys): PluginAuthorship {
  let parsed: { pem: string; key: KeyObject } | undefined;
  const signingKey = (): KeyObject => {
    const pem = source.signingKeyPem();
    if (parsed?.pem !== pem) parsed = { pem, key: createPrivateKey(pem) };
    return parsed.key;
  };
  return {
    sign(bytes) {
      const data = pluginSigningBytes(plugin, bytes);
      let key: KeyObject;
      try {
        key = signingKey();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve, reject) => rsaSign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))));
    },
    verify(nodeId, bytes, signature) {
      const cas = source.casOf(nodeId);
      if (cas.length === 0) return 'unknown';
      const data = pluginSigningBytes(plugin, bytes);
      for (const pem of cas) {
        const ca = keys.get(pem);
        if (!ca) continue;
        try {
          if (rsaVerify('sha256', data, ca.key, signature)) return 'valid';
        } catch {
          // A malformed signature is an invalid one.
        }
      }
      return 'invalid';
    },
  };
}
