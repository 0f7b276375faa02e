// Original file: proto/g2g/v1/gossip.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExchangeRequest as _g2g_v1_ExchangeRequest, ExchangeRequest__Output as _g2g_v1_ExchangeRequest__Output } from '../../g2g/v1/ExchangeRequest';
import type { ExchangeResponse as _g2g_v1_ExchangeResponse, ExchangeResponse__Output as _g2g_v1_ExchangeResponse__Output } from '../../g2g/v1/ExchangeResponse';
import type { PingRequest as _g2g_v1_PingRequest, PingRequest__Output as _g2g_v1_PingRequest__Output } from '../../g2g/v1/PingRequest';
import type { PingResponse as _g2g_v1_PingResponse, PingResponse__Output as _g2g_v1_PingResponse__Output } from '../../g2g/v1/PingResponse';
import type { PingViaRequest as _g2g_v1_PingViaRequest, PingViaRequest__Output as _g2g_v1_PingViaRequest__Output } from '../../g2g/v1/PingViaRequest';
import type { PingViaResponse as _g2g_v1_PingViaResponse, PingViaResponse__Output as _g2g_v1_PingViaResponse__Output } from '../../g2g/v1/PingViaResponse';

export interface GossipClient extends grpc.Client {
  /**
   * Push-pull exchange of records and rumours: the caller sends digests of its table and its
   * rumours; the answer carries what the caller is behind on and the ids the callee wants,
   * which the caller sends in a follow-up Exchange (follow_up = true).
   */
  Exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  Exchange(argument: _g2g_v1_ExchangeRequest, callback: grpc.requestCallback<_g2g_v1_ExchangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Push-pull exchange of records and rumours: the caller sends digests of its table and its
   * rumours; the answer carries what the caller is behind on and the ids the callee wants,
   * which the caller sends in a follow-up Exchange (follow_up = true).
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
  
  /**
   * Indirect check: the callee pings `target` on the caller's behalf (SWIM's ping-req).
   */
  PingVia(argument: _g2g_v1_PingViaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  PingVia(argument: _g2g_v1_PingViaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  PingVia(argument: _g2g_v1_PingViaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  PingVia(argument: _g2g_v1_PingViaRequest, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Indirect check: the callee pings `target` on the caller's behalf (SWIM's ping-req).
   */
  pingVia(argument: _g2g_v1_PingViaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  pingVia(argument: _g2g_v1_PingViaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  pingVia(argument: _g2g_v1_PingViaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  pingVia(argument: _g2g_v1_PingViaRequest, callback: grpc.requestCallback<_g2g_v1_PingViaResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface GossipHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Push-pull exchange of records and rumours: the caller sends digests of its table and its
   * rumours; the answer carries what the caller is behind on and the ids the callee wants,
   * which the caller sends in a follow-up Exchange (follow_up = true).
   */
  Exchange: grpc.handleUnaryCall<_g2g_v1_ExchangeRequest__Output, _g2g_v1_ExchangeResponse>;
  
  /**
   * Liveness and round-trip time. Cheap; answered without touching membership state.
   */
  Ping: grpc.handleUnaryCall<_g2g_v1_PingRequest__Output, _g2g_v1_PingResponse>;
  
  /**
   * Indirect check: the callee pings `target` on the caller's behalf (SWIM's ping-req).
   */
  PingVia: grpc.handleUnaryCall<_g2g_v1_PingViaRequest__Output, _g2g_v1_PingViaResponse>;
  
}

export interface GossipDefinition extends grpc.ServiceDefinition {
  Exchange: MethodDefinition<_g2g_v1_ExchangeRequest, _g2g_v1_ExchangeResponse, _g2g_v1_ExchangeRequest__Output, _g2g_v1_ExchangeResponse__Output>
  Ping: MethodDefinition<_g2g_v1_PingRequest, _g2g_v1_PingResponse, _g2g_v1_PingRequest__Output, _g2g_v1_PingResponse__Output>
  PingVia: MethodDefinition<_g2g_v1_PingViaRequest, _g2g_v1_PingViaResponse, _g2g_v1_PingViaRequest__Output, _g2g_v1_PingViaResponse__Output>
}
