// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingRequest {
  /**
   * Echoed back so the caller can match answers to probes.
   */
  'nonce'?: (number | string | Long);
}

export interface PingRequest__Output {
  /**
   * Echoed back so the caller can match answers to probes.
   */
  'nonce': (number);
}
