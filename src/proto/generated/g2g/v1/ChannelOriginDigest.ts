// Original file: proto/g2g/v1/channel.proto

import type { Long } from '@grpc/proto-loader';

/**
 * What the caller holds of one origin's current epoch.
 */
export interface ChannelOriginDigest {
  'origin'?: (string);
  'epoch'?: (number | string | Long);
  /**
   * Every seq ≤ contiguous is held (or given up as lost).
   */
  'contiguous'?: (number | string | Long);
  /**
   * Seqs above `contiguous` already held (at most a bounded number are listed).
   */
  'have'?: (number | string | Long)[];
}

/**
 * What the caller holds of one origin's current epoch.
 */
export interface ChannelOriginDigest__Output {
  'origin': (string);
  'epoch': (number);
  /**
   * Every seq ≤ contiguous is held (or given up as lost).
   */
  'contiguous': (number);
  /**
   * Seqs above `contiguous` already held (at most a bounded number are listed).
   */
  'have': (number)[];
}
