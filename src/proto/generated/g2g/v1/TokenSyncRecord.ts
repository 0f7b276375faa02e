// Original file: proto/g2g/v1/register.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { TokenState as _g2g_v1_TokenState, TokenState__Output as _g2g_v1_TokenState__Output } from '../../g2g/v1/TokenState';
import type { Long } from '@grpc/proto-loader';

/**
 * A token as members replicate it among server-mode members (over the gossip port only, never
 * to client-mode members): the derived key, never the secret. Carried by the membership
 * protocol; merged last-writer-wins per id with revocations as tombstones (src/tokens/).
 */
export interface TokenSyncRecord {
  'id'?: (string);
  /**
   * HMAC-SHA256(secret, "g2g/v1 token key"): what verifies a join proof.
   */
  'key'?: (Buffer | Uint8Array | string);
  'mode'?: (_g2g_v1_NodeMode);
  'label'?: (string);
  'createdUnixMs'?: (number | string | Long);
  'updatedUnixMs'?: (number | string | Long);
  /**
   * 0: never expires.
   */
  'expiresUnixMs'?: (number | string | Long);
  'singleUse'?: (boolean);
  'state'?: (_g2g_v1_TokenState);
  /**
   * The node that made this version.
   */
  'origin'?: (string);
}

/**
 * A token as members replicate it among server-mode members (over the gossip port only, never
 * to client-mode members): the derived key, never the secret. Carried by the membership
 * protocol; merged last-writer-wins per id with revocations as tombstones (src/tokens/).
 */
export interface TokenSyncRecord__Output {
  'id': (string);
  /**
   * HMAC-SHA256(secret, "g2g/v1 token key"): what verifies a join proof.
   */
  'key': (Buffer);
  'mode': (_g2g_v1_NodeMode__Output);
  'label': (string);
  'createdUnixMs': (number);
  'updatedUnixMs': (number);
  /**
   * 0: never expires.
   */
  'expiresUnixMs': (number);
  'singleUse': (boolean);
  'state': (_g2g_v1_TokenState__Output);
  /**
   * The node that made this version.
   */
  'origin': (string);
}
