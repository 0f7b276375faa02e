import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChannelClient as _g2g_v1_ChannelClient, ChannelDefinition as _g2g_v1_ChannelDefinition } from './g2g/v1/Channel';
import type { ChannelEnvelope as _g2g_v1_ChannelEnvelope, ChannelEnvelope__Output as _g2g_v1_ChannelEnvelope__Output } from './g2g/v1/ChannelEnvelope';
import type { ChannelOriginDigest as _g2g_v1_ChannelOriginDigest, ChannelOriginDigest__Output as _g2g_v1_ChannelOriginDigest__Output } from './g2g/v1/ChannelOriginDigest';
import type { ChannelPullRequest as _g2g_v1_ChannelPullRequest, ChannelPullRequest__Output as _g2g_v1_ChannelPullRequest__Output } from './g2g/v1/ChannelPullRequest';
import type { ChannelPullResponse as _g2g_v1_ChannelPullResponse, ChannelPullResponse__Output as _g2g_v1_ChannelPullResponse__Output } from './g2g/v1/ChannelPullResponse';
import type { ChannelPushRequest as _g2g_v1_ChannelPushRequest, ChannelPushRequest__Output as _g2g_v1_ChannelPushRequest__Output } from './g2g/v1/ChannelPushRequest';
import type { ChannelPushResponse as _g2g_v1_ChannelPushResponse, ChannelPushResponse__Output as _g2g_v1_ChannelPushResponse__Output } from './g2g/v1/ChannelPushResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  g2g: {
    v1: {
      Channel: SubtypeConstructor<typeof grpc.Client, _g2g_v1_ChannelClient> & { service: _g2g_v1_ChannelDefinition }
      ChannelEnvelope: MessageTypeDefinition<_g2g_v1_ChannelEnvelope, _g2g_v1_ChannelEnvelope__Output>
      ChannelOriginDigest: MessageTypeDefinition<_g2g_v1_ChannelOriginDigest, _g2g_v1_ChannelOriginDigest__Output>
      ChannelPullRequest: MessageTypeDefinition<_g2g_v1_ChannelPullRequest, _g2g_v1_ChannelPullRequest__Output>
      ChannelPullResponse: MessageTypeDefinition<_g2g_v1_ChannelPullResponse, _g2g_v1_ChannelPullResponse__Output>
      ChannelPushRequest: MessageTypeDefinition<_g2g_v1_ChannelPushRequest, _g2g_v1_ChannelPushRequest__Output>
      ChannelPushResponse: MessageTypeDefinition<_g2g_v1_ChannelPushResponse, _g2g_v1_ChannelPushResponse__Output>
    }
  }
}

