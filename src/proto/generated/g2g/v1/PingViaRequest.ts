// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingViaRequest {
  'targetNodeId'?: (string);
  'targetAddresses'?: (string)[];
  'targetGossipPort'?: (number);
  'nonce'?: (number | string | Long);
  /**
   * How long the relay may wait for the target's answer.
   */
  'timeoutMs'?: (number);
}

export interface PingViaRequest__Output {
  'targetNodeId': (string);
  'targetAddresses': (string)[];
  'targetGossipPort': (number);
  'nonce': (number);
  /**
   * How long the relay may wait for the target's answer.
   */
  'timeoutMs': (number);
}
