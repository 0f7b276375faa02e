// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { TokenState as _g2g_v1_TokenState, TokenState__Output as _g2g_v1_TokenState__Output } from '../../g2g/v1/TokenState';
import type { Long } from '@grpc/proto-loader';

/**
 * A token as Admin shows it: everything but the secret (and the key derived from it).
 */
export interface TokenInfo {
  'id'?: (string);
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
   * The node that made the current version (tokens are replicated among server-mode members).
   */
  'origin'?: (string);
}

/**
 * A token as Admin shows it: everything but the secret (and the key derived from it).
 */
export interface TokenInfo__Output {
  'id': (string);
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
   * The node that made the current version (tokens are replicated among server-mode members).
   */
  'origin': (string);
}
