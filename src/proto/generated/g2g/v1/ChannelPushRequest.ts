// Original file: proto/g2g/v1/channel.proto

import type { ChannelEnvelope as _g2g_v1_ChannelEnvelope, ChannelEnvelope__Output as _g2g_v1_ChannelEnvelope__Output } from '../../g2g/v1/ChannelEnvelope';

export interface ChannelPushRequest {
  'messages'?: (_g2g_v1_ChannelEnvelope)[];
}

export interface ChannelPushRequest__Output {
  'messages': (_g2g_v1_ChannelEnvelope__Output)[];
}
