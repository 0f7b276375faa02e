// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingResponse {
  'nonce'?: (number | string | Long);
  'nodeId'?: (string);
  /**
   * The answering node's heartbeat counter.
   */
  'heartbeat'?: (number | string | Long);
}

export interface PingResponse__Output {
  'nonce': (number);
  'nodeId': (string);
  /**
   * The answering node's heartbeat counter.
   */
  'heartbeat': (number);
}
