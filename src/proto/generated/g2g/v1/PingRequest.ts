// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingRequest {
  /**
   * Echoed back so the caller can match answers to probes.
   */
  'nonce'?: (number | string | Long);
  /**
   * Set when the caller is a node this member monitors and the ping is its interval heartbeat:
   * the version of its record it holds and its heartbeat counter. Unsigned, and never relayed:
   * the mTLS channel proves who sent it.
   */
  'beatVersion'?: (number | string | Long);
  'beatHeartbeat'?: (number | string | Long);
}

export interface PingRequest__Output {
  /**
   * Echoed back so the caller can match answers to probes.
   */
  'nonce': (number);
  /**
   * Set when the caller is a node this member monitors and the ping is its interval heartbeat:
   * the version of its record it holds and its heartbeat counter. Unsigned, and never relayed:
   * the mTLS channel proves who sent it.
   */
  'beatVersion': (number);
  'beatHeartbeat': (number);
}
