// Original file: proto/g2g/v1/register.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

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
   * Never sent, never read: superseded by record_bytes before any release used it. Kept (rather
   * than `reserved 4`) because protobufjs writes reserved ranges with an inclusive end into the
   * reflection descriptors, which Go clients (grpcurl, buf curl) then reject wholesale.
   * @deprecated
   */
  'record'?: (_g2g_v1_NodeRecord | null);
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
   * Never sent, never read: superseded by record_bytes before any release used it. Kept (rather
   * than `reserved 4`) because protobufjs writes reserved ranges with an inclusive end into the
   * reflection descriptors, which Go clients (grpcurl, buf curl) then reject wholesale.
   * @deprecated
   */
  'record': (_g2g_v1_NodeRecord__Output | null);
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
