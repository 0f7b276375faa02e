// Original file: proto/g2g/v1/gossip.proto

import type { Long } from '@grpc/proto-loader';

export interface PingResponse {
  'nonce'?: (number | string | Long);
  'nodeId'?: (string);
  /**
   * The answering node's heartbeat counter.
   */
  'heartbeat'?: (number | string | Long);
  /**
   * Answer to a heartbeat (beat_version set): this member does not hold the caller's record at
   * that version, so the caller sends it in an exchange.
   */
  'wantRecord'?: (boolean);
}

export interface PingResponse__Output {
  'nonce': (number);
  'nodeId': (string);
  /**
   * The answering node's heartbeat counter.
   */
  'heartbeat': (number);
  /**
   * Answer to a heartbeat (beat_version set): this member does not hold the caller's record at
   * that version, so the caller sends it in an exchange.
   */
  'wantRecord': (boolean);
}
