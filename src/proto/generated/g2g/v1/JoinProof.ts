// Original file: proto/g2g/v1/register.proto


/**
 * Node -> newcomer (server_proof) and newcomer -> node (client_proof).
 * Both MACs are HMAC-SHA256 under the token key over the transcript hash: token id, cluster,
 * protocol version, both nonces, both records' bytes and the fingerprint of the leaf the node
 * presented on this TLS connection (src/register/join-transcript.ts has the exact layout).
 */
export interface JoinProof {
  /**
   * Server proof only: the node's 32 random bytes.
   */
  'nonce'?: (Buffer | Uint8Array | string);
  'mac'?: (Buffer | Uint8Array | string);
  /**
   * Server proof only: the node's own NodeRecord, serialised (MACed as sent).
   */
  'serverRecord'?: (Buffer | Uint8Array | string);
  /**
   * Server proof only: "sha256:<hex>" of the leaf the node presented on this connection, as it
   * believes. Informational: the newcomer MACs the leaf it saw; a difference means the TLS
   * connection ends somewhere else (a TLS-terminating proxy).
   */
  'leafFingerprint'?: (string);
  /**
   * Client proof only: the newcomer's node CA key's signature over the transcript hash, proving
   * that the newcomer holds the key of the CA its record names.
   */
  'possession'?: (Buffer | Uint8Array | string);
}

/**
 * Node -> newcomer (server_proof) and newcomer -> node (client_proof).
 * Both MACs are HMAC-SHA256 under the token key over the transcript hash: token id, cluster,
 * protocol version, both nonces, both records' bytes and the fingerprint of the leaf the node
 * presented on this TLS connection (src/register/join-transcript.ts has the exact layout).
 */
export interface JoinProof__Output {
  /**
   * Server proof only: the node's 32 random bytes.
   */
  'nonce': (Buffer);
  'mac': (Buffer);
  /**
   * Server proof only: the node's own NodeRecord, serialised (MACed as sent).
   */
  'serverRecord': (Buffer);
  /**
   * Server proof only: "sha256:<hex>" of the leaf the node presented on this connection, as it
   * believes. Informational: the newcomer MACs the leaf it saw; a difference means the TLS
   * connection ends somewhere else (a TLS-terminating proxy).
   */
  'leafFingerprint': (string);
  /**
   * Client proof only: the newcomer's node CA key's signature over the transcript hash, proving
   * that the newcomer holds the key of the CA its record names.
   */
  'possession': (Buffer);
}
