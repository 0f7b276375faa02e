// Original file: proto/g2g/v1/gossip.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExchangeRequest as _g2g_v1_ExchangeRequest, ExchangeRequest__Output as _g2g_v1_ExchangeRequest__Output } from '../../g2g/v1/ExchangeRequest';
import type { ExchangeResponse as _g2g_v1_ExchangeResponse, ExchangeResponse__Output as _g2g_v1_ExchangeResponse__Output } from '../../g2g/v1/ExchangeResponse';
import type { PingRequest as _g2g_v1_PingRequest, PingRequest__Output as _g2g_v1_PingRequest__Output } from '../../g2g/v1/PingRequest';
import type { PingResponse as _g2g_v1_PingResponse, PingResponse__Output as _g2g_v1_PingResponse__Output } from '../../g2g/v1/PingResponse';

export interface GossipClient extends grpc.Client {
  /**
   * Push-pull exchange of records and rumours (filled by the membership issue).
   */
  Exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Push-pull exchange of records and rumours (filled by the membership issue).
   */
  exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _g2g_v1_ExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  exchange(argument: _g2g_v1_ExchangeRequest, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Liveness and round-trip time. Cheap; answered without touching membership state.
   */
  Ping(argument: _g2g_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _g2g_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _g2g_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _g2g_v1_PingRequest, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Liveness and round-trip time. Cheap; answered without touching membership state.
   */
  ping(argument: _g2g_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _g2g_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _g2g_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _g2g_v1_PingRequest, callback: grpc.requestCallback<_g2g_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GossipHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Push-pull exchange of records and rumours (filled by the membership issue).
   */
  Exchange: grpc.handleUnaryCall<_g2g_v1_ExchangeRequest__Output, _g2g_v1_ExchangeResponse>;
  
  /**
   * Liveness and round-trip time. Cheap; answered without touching membership state.
   */
  Ping: grpc.handleUnaryCall<_g2g_v1_PingRequest__Output, _g2g_v1_PingResponse>;
  
}

export interface GossipDefinition extends grpc.ServiceDefinition {
  Exchange: MethodDefinition<_g2g_v1_ExchangeRequest, _g2g_v1_ExchangeResponse, _g2g_v1_ExchangeRequest__Output, _g2g_v1_ExchangeResponse__Output>
  Ping: MethodDefinition<_g2g_v1_PingRequest, _g2g_v1_PingResponse, _g2g_v1_PingRequest__Output, _g2g_v1_PingResponse__Output>
}
