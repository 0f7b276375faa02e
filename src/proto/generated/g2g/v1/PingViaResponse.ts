// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingViaResponse {
  /**
   * The target answered the relay's ping in time.
   */
  'reachable'?: (boolean);
  'nonce'?: (number | string | Long);
  /**
   * The target's heartbeat counter as it told the relay (0 when unreachable).
   */
  'heartbeat'?: (number | string | Long);
}

export interface PingViaResponse__Output {
  /**
   * The target answered the relay's ping in time.
   */
  'reachable': (boolean);
  'nonce': (number);
  /**
   * The target's heartbeat counter as it told the relay (0 when unreachable).
   */
  'heartbeat': (number);
}
