// Original file: proto/g2g/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface RemoveResponse {
  'nodeId'?: (string);
  /**
   * This node, which signed the removal.
   */
  'removedBy'?: (string);
  'issuedAtUnixMs'?: (number | string | Long);
  /**
   * Whether this node held the removed node in its table.
   */
  'wasKnown'?: (boolean);
}

export interface RemoveResponse__Output {
  'nodeId': (string);
  /**
   * This node, which signed the removal.
   */
  'removedBy': (string);
  'issuedAtUnixMs': (number);
  /**
   * Whether this node held the removed node in its table.
   */
  'wasKnown': (boolean);
}
