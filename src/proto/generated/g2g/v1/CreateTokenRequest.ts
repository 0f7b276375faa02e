// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { Long } from '@grpc/proto-loader';

export interface CreateTokenRequest {
  /**
   * NODE_MODE_SERVER admits server- and client-mode newcomers; NODE_MODE_CLIENT only clients.
   */
  'mode'?: (_g2g_v1_NodeMode);
  'label'?: (string);
  /**
   * 0: never expires.
   */
  'ttlMs'?: (number | string | Long);
  'singleUse'?: (boolean);
}

export interface CreateTokenRequest__Output {
  /**
   * NODE_MODE_SERVER admits server- and client-mode newcomers; NODE_MODE_CLIENT only clients.
   */
  'mode': (_g2g_v1_NodeMode__Output);
  'label': (string);
  /**
   * 0: never expires.
   */
  'ttlMs': (number);
  'singleUse': (boolean);
}
