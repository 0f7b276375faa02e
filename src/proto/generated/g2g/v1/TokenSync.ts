// Original file: proto/g2g/v1/token_sync.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { TokenSyncRequest as _g2g_v1_TokenSyncRequest, TokenSyncRequest__Output as _g2g_v1_TokenSyncRequest__Output } from '../../g2g/v1/TokenSyncRequest';
import type { TokenSyncResponse as _g2g_v1_TokenSyncResponse, TokenSyncResponse__Output as _g2g_v1_TokenSyncResponse__Output } from '../../g2g/v1/TokenSyncResponse';

export interface TokenSyncClient extends grpc.Client {
  /**
   * Push-pull: the callee merges the caller's entries (last writer wins; revocations always win)
   * and answers with its own, which the caller merges in turn.
   */
  Sync(argument: _g2g_v1_TokenSyncRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _g2g_v1_TokenSyncRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _g2g_v1_TokenSyncRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  Sync(argument: _g2g_v1_TokenSyncRequest, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Push-pull: the callee merges the caller's entries (last writer wins; revocations always win)
   * and answers with its own, which the caller merges in turn.
   */
  sync(argument: _g2g_v1_TokenSyncRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _g2g_v1_TokenSyncRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _g2g_v1_TokenSyncRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  sync(argument: _g2g_v1_TokenSyncRequest, callback: grpc.requestCallback<_g2g_v1_TokenSyncResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface TokenSyncHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Push-pull: the callee merges the caller's entries (last writer wins; revocations always win)
   * and answers with its own, which the caller merges in turn.
   */
  Sync: grpc.handleUnaryCall<_g2g_v1_TokenSyncRequest__Output, _g2g_v1_TokenSyncResponse>;
  
}

export interface TokenSyncDefinition extends grpc.ServiceDefinition {
  Sync: MethodDefinition<_g2g_v1_TokenSyncRequest, _g2g_v1_TokenSyncResponse, _g2g_v1_TokenSyncRequest__Output, _g2g_v1_TokenSyncResponse__Output>
}
