// Original file: proto/g2g/v1/channel.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChannelPullRequest as _g2g_v1_ChannelPullRequest, ChannelPullRequest__Output as _g2g_v1_ChannelPullRequest__Output } from '../../g2g/v1/ChannelPullRequest';
import type { ChannelPullResponse as _g2g_v1_ChannelPullResponse, ChannelPullResponse__Output as _g2g_v1_ChannelPullResponse__Output } from '../../g2g/v1/ChannelPullResponse';
import type { ChannelPushRequest as _g2g_v1_ChannelPushRequest, ChannelPushRequest__Output as _g2g_v1_ChannelPushRequest__Output } from '../../g2g/v1/ChannelPushRequest';
import type { ChannelPushResponse as _g2g_v1_ChannelPushResponse, ChannelPushResponse__Output as _g2g_v1_ChannelPushResponse__Output } from '../../g2g/v1/ChannelPushResponse';

export interface ChannelClient extends grpc.Client {
  /**
   * Pull-based repair: the caller sends what it holds per origin; the callee answers with the
   * messages it retains that the caller lacks. Any member may pull (client-mode members receive
   * the channel this way).
   */
  Pull(argument: _g2g_v1_ChannelPullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _g2g_v1_ChannelPullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _g2g_v1_ChannelPullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _g2g_v1_ChannelPullRequest, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Pull-based repair: the caller sends what it holds per origin; the callee answers with the
   * messages it retains that the caller lacks. Any member may pull (client-mode members receive
   * the channel this way).
   */
  pull(argument: _g2g_v1_ChannelPullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _g2g_v1_ChannelPullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _g2g_v1_ChannelPullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _g2g_v1_ChannelPullRequest, callback: grpc.requestCallback<_g2g_v1_ChannelPullResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Eager push of messages new to the caller (its own, or relayed). Server-mode callers only.
   * The callee drops duplicates and messages that do not verify, delivers the rest to its
   * subscribers and relays them.
   */
  Push(argument: _g2g_v1_ChannelPushRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  Push(argument: _g2g_v1_ChannelPushRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  Push(argument: _g2g_v1_ChannelPushRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  Push(argument: _g2g_v1_ChannelPushRequest, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Eager push of messages new to the caller (its own, or relayed). Server-mode callers only.
   * The callee drops duplicates and messages that do not verify, delivers the rest to its
   * subscribers and relays them.
   */
  push(argument: _g2g_v1_ChannelPushRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  push(argument: _g2g_v1_ChannelPushRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  push(argument: _g2g_v1_ChannelPushRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  push(argument: _g2g_v1_ChannelPushRequest, callback: grpc.requestCallback<_g2g_v1_ChannelPushResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ChannelHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Pull-based repair: the caller sends what it holds per origin; the callee answers with the
   * messages it retains that the caller lacks. Any member may pull (client-mode members receive
   * the channel this way).
   */
  Pull: grpc.handleUnaryCall<_g2g_v1_ChannelPullRequest__Output, _g2g_v1_ChannelPullResponse>;
  
  /**
   * Eager push of messages new to the caller (its own, or relayed). Server-mode callers only.
   * The callee drops duplicates and messages that do not verify, delivers the rest to its
   * subscribers and relays them.
   */
  Push: grpc.handleUnaryCall<_g2g_v1_ChannelPushRequest__Output, _g2g_v1_ChannelPushResponse>;
  
}

export interface ChannelDefinition extends grpc.ServiceDefinition {
  Pull: MethodDefinition<_g2g_v1_ChannelPullRequest, _g2g_v1_ChannelPullResponse, _g2g_v1_ChannelPullRequest__Output, _g2g_v1_ChannelPullResponse__Output>
  Push: MethodDefinition<_g2g_v1_ChannelPushRequest, _g2g_v1_ChannelPushResponse, _g2g_v1_ChannelPushRequest__Output, _g2g_v1_ChannelPushResponse__Output>
}
