// Original file: proto/g2g/v1/register.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

export interface JoinHello {
  /**
   * The public half of the token (`<id>` of `<id>.<secret>`); the secret never travels.
   */
  'tokenId'?: (string);
  'nonce'?: (Buffer | Uint8Array | string);
  'cluster'?: (string);
  'record'?: (_g2g_v1_NodeRecord | null);
  'protocolVersion'?: (number);
}

export interface JoinHello__Output {
  /**
   * The public half of the token (`<id>` of `<id>.<secret>`); the secret never travels.
   */
  'tokenId': (string);
  'nonce': (Buffer);
  'cluster': (string);
  'record': (_g2g_v1_NodeRecord__Output | null);
  'protocolVersion': (number);
}
