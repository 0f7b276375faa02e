// Original file: proto/g2g/v1/register.proto


/**
 * Newcomer -> node, first.
 */
export interface JoinHello {
  /**
   * The public half of the token (`<id>` of `<id>.<secret>`); the secret never travels.
   */
  'tokenId'?: (string);
  /**
   * 32 random bytes.
   */
  'nonce'?: (Buffer | Uint8Array | string);
  /**
   * The newcomer's cluster; a node of another cluster refuses (FAILED_PRECONDITION).
   */
  'cluster'?: (string);
  /**
   * The join protocol version the newcomer speaks.
   */
  'protocolVersion'?: (number);
  /**
   * The newcomer's NodeRecord, serialised. Bytes rather than a message so that both sides MAC
   * exactly the bytes sent (a re-encoding drops fields an older peer does not know).
   */
  'recordBytes'?: (Buffer | Uint8Array | string);
}

/**
 * Newcomer -> node, first.
 */
export interface JoinHello__Output {
  /**
   * The public half of the token (`<id>` of `<id>.<secret>`); the secret never travels.
   */
  'tokenId': (string);
  /**
   * 32 random bytes.
   */
  'nonce': (Buffer);
  /**
   * The newcomer's cluster; a node of another cluster refuses (FAILED_PRECONDITION).
   */
  'cluster': (string);
  /**
   * The join protocol version the newcomer speaks.
   */
  'protocolVersion': (number);
  /**
   * The newcomer's NodeRecord, serialised. Bytes rather than a message so that both sides MAC
   * exactly the bytes sent (a re-encoding drops fields an older peer does not know).
   */
  'recordBytes': (Buffer);
}
