// Original file: proto/g2g/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterEvent as _g2g_v1_ClusterEvent, ClusterEvent__Output as _g2g_v1_ClusterEvent__Output } from '../../g2g/v1/ClusterEvent';
import type { CreateTokenRequest as _g2g_v1_CreateTokenRequest, CreateTokenRequest__Output as _g2g_v1_CreateTokenRequest__Output } from '../../g2g/v1/CreateTokenRequest';
import type { CreateTokenResponse as _g2g_v1_CreateTokenResponse, CreateTokenResponse__Output as _g2g_v1_CreateTokenResponse__Output } from '../../g2g/v1/CreateTokenResponse';
import type { ListTokensRequest as _g2g_v1_ListTokensRequest, ListTokensRequest__Output as _g2g_v1_ListTokensRequest__Output } from '../../g2g/v1/ListTokensRequest';
import type { ListTokensResponse as _g2g_v1_ListTokensResponse, ListTokensResponse__Output as _g2g_v1_ListTokensResponse__Output } from '../../g2g/v1/ListTokensResponse';
import type { MembersRequest as _g2g_v1_MembersRequest, MembersRequest__Output as _g2g_v1_MembersRequest__Output } from '../../g2g/v1/MembersRequest';
import type { MembersResponse as _g2g_v1_MembersResponse, MembersResponse__Output as _g2g_v1_MembersResponse__Output } from '../../g2g/v1/MembersResponse';
import type { NominateRequest as _g2g_v1_NominateRequest, NominateRequest__Output as _g2g_v1_NominateRequest__Output } from '../../g2g/v1/NominateRequest';
import type { NominateResponse as _g2g_v1_NominateResponse, NominateResponse__Output as _g2g_v1_NominateResponse__Output } from '../../g2g/v1/NominateResponse';
import type { PeersRequest as _g2g_v1_PeersRequest, PeersRequest__Output as _g2g_v1_PeersRequest__Output } from '../../g2g/v1/PeersRequest';
import type { PeersResponse as _g2g_v1_PeersResponse, PeersResponse__Output as _g2g_v1_PeersResponse__Output } from '../../g2g/v1/PeersResponse';
import type { PluginsRequest as _g2g_v1_PluginsRequest, PluginsRequest__Output as _g2g_v1_PluginsRequest__Output } from '../../g2g/v1/PluginsRequest';
import type { PluginsResponse as _g2g_v1_PluginsResponse, PluginsResponse__Output as _g2g_v1_PluginsResponse__Output } from '../../g2g/v1/PluginsResponse';
import type { RemoveRequest as _g2g_v1_RemoveRequest, RemoveRequest__Output as _g2g_v1_RemoveRequest__Output } from '../../g2g/v1/RemoveRequest';
import type { RemoveResponse as _g2g_v1_RemoveResponse, RemoveResponse__Output as _g2g_v1_RemoveResponse__Output } from '../../g2g/v1/RemoveResponse';
import type { RevokeTokenRequest as _g2g_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _g2g_v1_RevokeTokenRequest__Output } from '../../g2g/v1/RevokeTokenRequest';
import type { RevokeTokenResponse as _g2g_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _g2g_v1_RevokeTokenResponse__Output } from '../../g2g/v1/RevokeTokenResponse';
import type { RotateRequest as _g2g_v1_RotateRequest, RotateRequest__Output as _g2g_v1_RotateRequest__Output } from '../../g2g/v1/RotateRequest';
import type { RotateResponse as _g2g_v1_RotateResponse, RotateResponse__Output as _g2g_v1_RotateResponse__Output } from '../../g2g/v1/RotateResponse';
import type { RotateTokenRequest as _g2g_v1_RotateTokenRequest, RotateTokenRequest__Output as _g2g_v1_RotateTokenRequest__Output } from '../../g2g/v1/RotateTokenRequest';
import type { RotateTokenResponse as _g2g_v1_RotateTokenResponse, RotateTokenResponse__Output as _g2g_v1_RotateTokenResponse__Output } from '../../g2g/v1/RotateTokenResponse';
import type { StatusRequest as _g2g_v1_StatusRequest, StatusRequest__Output as _g2g_v1_StatusRequest__Output } from '../../g2g/v1/StatusRequest';
import type { StatusResponse as _g2g_v1_StatusResponse, StatusResponse__Output as _g2g_v1_StatusResponse__Output } from '../../g2g/v1/StatusResponse';
import type { WatchEventsRequest as _g2g_v1_WatchEventsRequest, WatchEventsRequest__Output as _g2g_v1_WatchEventsRequest__Output } from '../../g2g/v1/WatchEventsRequest';

export interface AdminClient extends grpc.Client {
  /**
   * Join tokens (`<id>.<secret>`). The secret is returned once, by the call that makes it
   * (CreateToken, RotateToken, Nominate), and never again: nodes keep only a key derived from it.
   */
  CreateToken(argument: _g2g_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _g2g_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _g2g_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _g2g_v1_CreateTokenRequest, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Join tokens (`<id>.<secret>`). The secret is returned once, by the call that makes it
   * (CreateToken, RotateToken, Nominate), and never again: nodes keep only a key derived from it.
   */
  createToken(argument: _g2g_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _g2g_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _g2g_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  createToken(argument: _g2g_v1_CreateTokenRequest, callback: grpc.requestCallback<_g2g_v1_CreateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  ListTokens(argument: _g2g_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _g2g_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _g2g_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _g2g_v1_ListTokensRequest, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _g2g_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _g2g_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _g2g_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _g2g_v1_ListTokensRequest, callback: grpc.requestCallback<_g2g_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every peer this node knows, with what memberlist users ask for when debugging.
   */
  Members(argument: _g2g_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _g2g_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _g2g_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _g2g_v1_MembersRequest, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every peer this node knows, with what memberlist users ask for when debugging.
   */
  members(argument: _g2g_v1_MembersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _g2g_v1_MembersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _g2g_v1_MembersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _g2g_v1_MembersRequest, callback: grpc.requestCallback<_g2g_v1_MembersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A join ticket for one newcomer: a fresh token (single-use unless `reusable`) packed with
   * this node's register address(es), its CA fingerprint and the cluster name.
   */
  Nominate(argument: _g2g_v1_NominateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  Nominate(argument: _g2g_v1_NominateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  Nominate(argument: _g2g_v1_NominateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  Nominate(argument: _g2g_v1_NominateRequest, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A join ticket for one newcomer: a fresh token (single-use unless `reusable`) packed with
   * this node's register address(es), its CA fingerprint and the cluster name.
   */
  nominate(argument: _g2g_v1_NominateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  nominate(argument: _g2g_v1_NominateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  nominate(argument: _g2g_v1_NominateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  nominate(argument: _g2g_v1_NominateRequest, callback: grpc.requestCallback<_g2g_v1_NominateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The latency-ordered client pool: groups with their labels, per-peer figures, query order.
   */
  Peers(argument: _g2g_v1_PeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  Peers(argument: _g2g_v1_PeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  Peers(argument: _g2g_v1_PeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  Peers(argument: _g2g_v1_PeersRequest, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The latency-ordered client pool: groups with their labels, per-peer figures, query order.
   */
  peers(argument: _g2g_v1_PeersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  peers(argument: _g2g_v1_PeersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  peers(argument: _g2g_v1_PeersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  peers(argument: _g2g_v1_PeersRequest, callback: grpc.requestCallback<_g2g_v1_PeersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every plugin found, with its state and the services it serves on this port.
   */
  Plugins(argument: _g2g_v1_PluginsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  Plugins(argument: _g2g_v1_PluginsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  Plugins(argument: _g2g_v1_PluginsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  Plugins(argument: _g2g_v1_PluginsRequest, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every plugin found, with its state and the services it serves on this port.
   */
  plugins(argument: _g2g_v1_PluginsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  plugins(argument: _g2g_v1_PluginsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  plugins(argument: _g2g_v1_PluginsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  plugins(argument: _g2g_v1_PluginsRequest, callback: grpc.requestCallback<_g2g_v1_PluginsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a member from the network (`g2g remove`): this node signs the removal and gossips it;
   * every member untrusts its CA, refuses its calls (open streams are ended) and keeps it out.
   * Only a server-mode member may remove, at the request of an operator or a server-mode member.
   */
  Remove(argument: _g2g_v1_RemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _g2g_v1_RemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _g2g_v1_RemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  Remove(argument: _g2g_v1_RemoveRequest, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a member from the network (`g2g remove`): this node signs the removal and gossips it;
   * every member untrusts its CA, refuses its calls (open streams are ended) and keeps it out.
   * Only a server-mode member may remove, at the request of an operator or a server-mode member.
   */
  remove(argument: _g2g_v1_RemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _g2g_v1_RemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _g2g_v1_RemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  remove(argument: _g2g_v1_RemoveRequest, callback: grpc.requestCallback<_g2g_v1_RemoveResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeToken(argument: _g2g_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _g2g_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _g2g_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _g2g_v1_RevokeTokenRequest, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _g2g_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _g2g_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _g2g_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _g2g_v1_RevokeTokenRequest, callback: grpc.requestCallback<_g2g_v1_RevokeTokenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Issue and install a new leaf certificate now.
   */
  Rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  Rotate(argument: _g2g_v1_RotateRequest, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Issue and install a new leaf certificate now.
   */
  rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  rotate(argument: _g2g_v1_RotateRequest, callback: grpc.requestCallback<_g2g_v1_RotateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A new secret for the same token id; the old secret stops working at once.
   */
  RotateToken(argument: _g2g_v1_RotateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  RotateToken(argument: _g2g_v1_RotateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  RotateToken(argument: _g2g_v1_RotateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  RotateToken(argument: _g2g_v1_RotateTokenRequest, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A new secret for the same token id; the old secret stops working at once.
   */
  rotateToken(argument: _g2g_v1_RotateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  rotateToken(argument: _g2g_v1_RotateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  rotateToken(argument: _g2g_v1_RotateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  rotateToken(argument: _g2g_v1_RotateTokenRequest, callback: grpc.requestCallback<_g2g_v1_RotateTokenResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _g2g_v1_StatusRequest, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _g2g_v1_StatusRequest, callback: grpc.requestCallback<_g2g_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Cluster events as this node sees them (`g2g monitor`, in the spirit of `serf monitor`):
   * first the node's recent events after `after_seq` (a bounded backlog, G2G_EVENT_BACKLOG),
   * then each new event as it happens, until the caller cancels. A gap in `seq` means the
   * watcher fell further behind than the backlog.
   */
  WatchEvents(argument: _g2g_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_g2g_v1_ClusterEvent__Output>;
  WatchEvents(argument: _g2g_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_g2g_v1_ClusterEvent__Output>;
  /**
   * Cluster events as this node sees them (`g2g monitor`, in the spirit of `serf monitor`):
   * first the node's recent events after `after_seq` (a bounded backlog, G2G_EVENT_BACKLOG),
   * then each new event as it happens, until the caller cancels. A gap in `seq` means the
   * watcher fell further behind than the backlog.
   */
  watchEvents(argument: _g2g_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_g2g_v1_ClusterEvent__Output>;
  watchEvents(argument: _g2g_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_g2g_v1_ClusterEvent__Output>;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Join tokens (`<id>.<secret>`). The secret is returned once, by the call that makes it
   * (CreateToken, RotateToken, Nominate), and never again: nodes keep only a key derived from it.
   */
  CreateToken: grpc.handleUnaryCall<_g2g_v1_CreateTokenRequest__Output, _g2g_v1_CreateTokenResponse>;
  
  ListTokens: grpc.handleUnaryCall<_g2g_v1_ListTokensRequest__Output, _g2g_v1_ListTokensResponse>;
  
  /**
   * Every peer this node knows, with what memberlist users ask for when debugging.
   */
  Members: grpc.handleUnaryCall<_g2g_v1_MembersRequest__Output, _g2g_v1_MembersResponse>;
  
  /**
   * A join ticket for one newcomer: a fresh token (single-use unless `reusable`) packed with
   * this node's register address(es), its CA fingerprint and the cluster name.
   */
  Nominate: grpc.handleUnaryCall<_g2g_v1_NominateRequest__Output, _g2g_v1_NominateResponse>;
  
  /**
   * The latency-ordered client pool: groups with their labels, per-peer figures, query order.
   */
  Peers: grpc.handleUnaryCall<_g2g_v1_PeersRequest__Output, _g2g_v1_PeersResponse>;
  
  /**
   * Every plugin found, with its state and the services it serves on this port.
   */
  Plugins: grpc.handleUnaryCall<_g2g_v1_PluginsRequest__Output, _g2g_v1_PluginsResponse>;
  
  /**
   * Removes a member from the network (`g2g remove`): this node signs the removal and gossips it;
   * every member untrusts its CA, refuses its calls (open streams are ended) and keeps it out.
   * Only a server-mode member may remove, at the request of an operator or a server-mode member.
   */
  Remove: grpc.handleUnaryCall<_g2g_v1_RemoveRequest__Output, _g2g_v1_RemoveResponse>;
  
  RevokeToken: grpc.handleUnaryCall<_g2g_v1_RevokeTokenRequest__Output, _g2g_v1_RevokeTokenResponse>;
  
  /**
   * Issue and install a new leaf certificate now.
   */
  Rotate: grpc.handleUnaryCall<_g2g_v1_RotateRequest__Output, _g2g_v1_RotateResponse>;
  
  /**
   * A new secret for the same token id; the old secret stops working at once.
   */
  RotateToken: grpc.handleUnaryCall<_g2g_v1_RotateTokenRequest__Output, _g2g_v1_RotateTokenResponse>;
  
  Status: grpc.handleUnaryCall<_g2g_v1_StatusRequest__Output, _g2g_v1_StatusResponse>;
  
  /**
   * Cluster events as this node sees them (`g2g monitor`, in the spirit of `serf monitor`):
   * first the node's recent events after `after_seq` (a bounded backlog, G2G_EVENT_BACKLOG),
   * then each new event as it happens, until the caller cancels. A gap in `seq` means the
   * watcher fell further behind than the backlog.
   */
  WatchEvents: grpc.handleServerStreamingCall<_g2g_v1_WatchEventsRequest__Output, _g2g_v1_ClusterEvent>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  CreateToken: MethodDefinition<_g2g_v1_CreateTokenRequest, _g2g_v1_CreateTokenResponse, _g2g_v1_CreateTokenRequest__Output, _g2g_v1_CreateTokenResponse__Output>
  ListTokens: MethodDefinition<_g2g_v1_ListTokensRequest, _g2g_v1_ListTokensResponse, _g2g_v1_ListTokensRequest__Output, _g2g_v1_ListTokensResponse__Output>
  Members: MethodDefinition<_g2g_v1_MembersRequest, _g2g_v1_MembersResponse, _g2g_v1_MembersRequest__Output, _g2g_v1_MembersResponse__Output>
  Nominate: MethodDefinition<_g2g_v1_NominateRequest, _g2g_v1_NominateResponse, _g2g_v1_NominateRequest__Output, _g2g_v1_NominateResponse__Output>
  Peers: MethodDefinition<_g2g_v1_PeersRequest, _g2g_v1_PeersResponse, _g2g_v1_PeersRequest__Output, _g2g_v1_PeersResponse__Output>
  Plugins: MethodDefinition<_g2g_v1_PluginsRequest, _g2g_v1_PluginsResponse, _g2g_v1_PluginsRequest__Output, _g2g_v1_PluginsResponse__Output>
  Remove: MethodDefinition<_g2g_v1_RemoveRequest, _g2g_v1_RemoveResponse, _g2g_v1_RemoveRequest__Output, _g2g_v1_RemoveResponse__Output>
  RevokeToken: MethodDefinition<_g2g_v1_RevokeTokenRequest, _g2g_v1_RevokeTokenResponse, _g2g_v1_RevokeTokenRequest__Output, _g2g_v1_RevokeTokenResponse__Output>
  Rotate: MethodDefinition<_g2g_v1_RotateRequest, _g2g_v1_RotateResponse, _g2g_v1_RotateRequest__Output, _g2g_v1_RotateResponse__Output>
  RotateToken: MethodDefinition<_g2g_v1_RotateTokenRequest, _g2g_v1_RotateTokenResponse, _g2g_v1_RotateTokenRequest__Output, _g2g_v1_RotateTokenResponse__Output>
  Status: MethodDefinition<_g2g_v1_StatusRequest, _g2g_v1_StatusResponse, _g2g_v1_StatusRequest__Output, _g2g_v1_StatusResponse__Output>
  WatchEvents: MethodDefinition<_g2g_v1_WatchEventsRequest, _g2g_v1_ClusterEvent, _g2g_v1_WatchEventsRequest__Output, _g2g_v1_ClusterEvent__Output>
}
