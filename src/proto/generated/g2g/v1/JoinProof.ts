// Original file: proto/g2g/v1/register.proto


export interface JoinProof {
  'nonce'?: (Buffer | Uint8Array | string);
  /**
   * HMAC under the token secret over the transcript and the server's leaf fingerprint.
   */
  'mac'?: (Buffer | Uint8Array | string);
}

export interface JoinProof__Output {
  'nonce': (Buffer);
  /**
   * HMAC under the token secret over the transcript and the server's leaf fingerprint.
   */
  'mac': (Buffer);
}
