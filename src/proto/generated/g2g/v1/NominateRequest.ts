// Original file: proto/g2g/v1/admin.proto

import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';
import type { Long } from '@grpc/proto-loader';

export interface NominateRequest {
  'mode'?: (_g2g_v1_NodeMode);
  /**
   * 0: the node's default (24 h).
   */
  'ttlMs'?: (number | string | Long);
  /**
   * Tickets are single-use unless this is set (a ticket for a fleet of machines).
   */
  'reusable'?: (boolean);
  'label'?: (string);
}

export interface NominateRequest__Output {
  'mode': (_g2g_v1_NodeMode__Output);
  /**
   * 0: the node's default (24 h).
   */
  'ttlMs': (number);
  /**
   * Tickets are single-use unless this is set (a ticket for a fleet of machines).
   */
  'reusable': (boolean);
  'label': (string);
}
