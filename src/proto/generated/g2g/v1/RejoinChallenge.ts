// Original file: proto/g2g/v1/register.proto


/**
 * Node -> member.
 */
export interface RejoinChallenge {
  /**
   * 32 random bytes.
   */
  'nonce'?: (Buffer | Uint8Array | string);
  /**
   * "sha256:<hex>" of the leaf the node presented on this connection, as it believes;
   * informational (the member signs the leaf it saw: a TLS-terminating relay fails the proof).
   */
  'leafFingerprint'?: (string);
}

/**
 * Node -> member.
 */
export interface RejoinChallenge__Output {
  /**
   * 32 random bytes.
   */
  'nonce': (Buffer);
  /**
   * "sha256:<hex>" of the leaf the node presented on this connection, as it believes;
   * informational (the member signs the leaf it saw: a TLS-terminating relay fails the proof).
   */
  'leafFingerprint': (string);
}
