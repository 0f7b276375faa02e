// Original file: proto/g2g/v1/register.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { JoinMessage as _g2g_v1_JoinMessage, JoinMessage__Output as _g2g_v1_JoinMessage__Output } from '../../g2g/v1/JoinMessage';
import type { RejoinMessage as _g2g_v1_RejoinMessage, RejoinMessage__Output as _g2g_v1_RejoinMessage__Output } from '../../g2g/v1/RejoinMessage';
import type { WhoAmIRequest as _g2g_v1_WhoAmIRequest, WhoAmIRequest__Output as _g2g_v1_WhoAmIRequest__Output } from '../../g2g/v1/WhoAmIRequest';
import type { WhoAmIResponse as _g2g_v1_WhoAmIResponse, WhoAmIResponse__Output as _g2g_v1_WhoAmIResponse__Output } from '../../g2g/v1/WhoAmIResponse';

export interface RegisterClient extends grpc.Client {
  /**
   * The join handshake: hello -> server proof -> client proof -> welcome.
   * Any refusal ends the stream with a status and a `g2g-error-code` trailer.
   */
  Join(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>;
  Join(options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>;
  /**
   * The join handshake: hello -> server proof -> client proof -> welcome.
   * Any refusal ends the stream with a status and a `g2g-error-code` trailer.
   */
  join(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>;
  join(options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>;
  
  /**
   * A member whose node CA rotated while the members it knows never heard of it (it was offline
   * or cut off for the whole grace period), so that their gossip ports refuse its new leaves:
   * hello (its record, whose CA lineage proves the new CA from its node id) -> challenge ->
   * proof (a signature by the new CA key over the transcript) -> welcome. No token: the node
   * must be a member this node knows and did not remove (`caRejoin` = ticket refuses every
   * rejoin). Refusals end the stream with a status and a `g2g-error-code` trailer.
   */
  Rejoin(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>;
  Rejoin(options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>;
  /**
   * A member whose node CA rotated while the members it knows never heard of it (it was offline
   * or cut off for the whole grace period), so that their gossip ports refuse its new leaves:
   * hello (its record, whose CA lineage proves the new CA from its node id) -> challenge ->
   * proof (a signature by the new CA key over the transcript) -> welcome. No token: the node
   * must be a member this node knows and did not remove (`caRejoin` = ticket refuses every
   * rejoin). Refusals end the stream with a status and a `g2g-error-code` trailer.
   */
  rejoin(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>;
  rejoin(options?: grpc.CallOptions): grpc.ClientDuplexStream<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>;
  
  /**
   * The caller's address as this node saw it: how a node behind NAT learns its external IP.
   * Also how a newcomer learns the node CA to verify the join channel against (the answer is
   * unauthenticated; the join handshake and the ticket's CA fingerprint authenticate it).
   */
  WhoAmI(argument: _g2g_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _g2g_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _g2g_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  WhoAmI(argument: _g2g_v1_WhoAmIRequest, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The caller's address as this node saw it: how a node behind NAT learns its external IP.
   * Also how a newcomer learns the node CA to verify the join channel against (the answer is
   * unauthenticated; the join handshake and the ticket's CA fingerprint authenticate it).
   */
  whoAmI(argument: _g2g_v1_WhoAmIRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _g2g_v1_WhoAmIRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _g2g_v1_WhoAmIRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  whoAmI(argument: _g2g_v1_WhoAmIRequest, callback: grpc.requestCallback<_g2g_v1_WhoAmIResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RegisterHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The join handshake: hello -> server proof -> client proof -> welcome.
   * Any refusal ends the stream with a status and a `g2g-error-code` trailer.
   */
  Join: grpc.handleBidiStreamingCall<_g2g_v1_JoinMessage__Output, _g2g_v1_JoinMessage>;
  
  /**
   * A member whose node CA rotated while the members it knows never heard of it (it was offline
   * or cut off for the whole grace period), so that their gossip ports refuse its new leaves:
   * hello (its record, whose CA lineage proves the new CA from its node id) -> challenge ->
   * proof (a signature by the new CA key over the transcript) -> welcome. No token: the node
   * must be a member this node knows and did not remove (`caRejoin` = ticket refuses every
   * rejoin). Refusals end the stream with a status and a `g2g-error-code` trailer.
   */
  Rejoin: grpc.handleBidiStreamingCall<_g2g_v1_RejoinMessage__Output, _g2g_v1_RejoinMessage>;
  
  /**
   * The caller's address as this node saw it: how a node behind NAT learns its external IP.
   * Also how a newcomer learns the node CA to verify the join channel against (the answer is
   * unauthenticated; the join handshake and the ticket's CA fingerprint authenticate it).
   */
  WhoAmI: grpc.handleUnaryCall<_g2g_v1_WhoAmIRequest__Output, _g2g_v1_WhoAmIResponse>;
  
}

export interface RegisterDefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output, _g2g_v1_JoinMessage__Output>
  Rejoin: MethodDefinition<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output, _g2g_v1_RejoinMessage__Output>
  WhoAmI: MethodDefinition<_g2g_v1_WhoAmIRequest, _g2g_v1_WhoAmIResponse, _g2g_v1_WhoAmIRequest__Output, _g2g_v1_WhoAmIResponse__Output>
}
