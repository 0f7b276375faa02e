// Original file: greeter.proto

import type { Long } from '@grpc/proto-loader';

export interface ShoutResponse {
  /**
   * The channel's sequence number of this shout from this node.
   */
  'seq'?: (number | string | Long);
}

export interface ShoutResponse__Output {
  /**
   * The channel's sequence number of this shout from this node.
   */
  'seq': (number);
}
