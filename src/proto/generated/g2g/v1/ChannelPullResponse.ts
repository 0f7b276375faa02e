// Original file: proto/g2g/v1/channel.proto

import type { ChannelEnvelope as _g2g_v1_ChannelEnvelope, ChannelEnvelope__Output as _g2g_v1_ChannelEnvelope__Output } from '../../g2g/v1/ChannelEnvelope';

export interface ChannelPullResponse {
  /**
   * Retained messages the caller lacks, oldest first per origin.
   */
  'messages'?: (_g2g_v1_ChannelEnvelope)[];
  /**
   * The answer was cut at the size limit: pull again.
   */
  'more'?: (boolean);
}

export interface ChannelPullResponse__Output {
  /**
   * Retained messages the caller lacks, oldest first per origin.
   */
  'messages': (_g2g_v1_ChannelEnvelope__Output)[];
  /**
   * The answer was cut at the size limit: pull again.
   */
  'more': (boolean);
}
