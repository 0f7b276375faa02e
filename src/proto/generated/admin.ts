import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _g2g_v1_AdminClient, AdminDefinition as _g2g_v1_AdminDefinition } from './g2g/v1/Admin';
import type { CaEndorsement as _g2g_v1_CaEndorsement, CaEndorsement__Output as _g2g_v1_CaEndorsement__Output } from './g2g/v1/CaEndorsement';
import type { ClusterEvent as _g2g_v1_ClusterEvent, ClusterEvent__Output as _g2g_v1_ClusterEvent__Output } from './g2g/v1/ClusterEvent';
import type { CreateTokenRequest as _g2g_v1_CreateTokenRequest, CreateTokenRequest__Output as _g2g_v1_CreateTokenRequest__Output } from './g2g/v1/CreateTokenRequest';
import type { CreateTokenResponse as _g2g_v1_CreateTokenResponse, CreateTokenResponse__Output as _g2g_v1_CreateTokenResponse__Output } from './g2g/v1/CreateTokenResponse';
import type { JoinHello as _g2g_v1_JoinHello, JoinHello__Output as _g2g_v1_JoinHello__Output } from './g2g/v1/JoinHello';
import type { JoinMessage as _g2g_v1_JoinMessage, JoinMessage__Output as _g2g_v1_JoinMessage__Output } from './g2g/v1/JoinMessage';
import type { JoinProof as _g2g_v1_JoinProof, JoinProof__Output as _g2g_v1_JoinProof__Output } from './g2g/v1/JoinProof';
import type { JoinWelcome as _g2g_v1_JoinWelcome, JoinWelcome__Output as _g2g_v1_JoinWelcome__Output } from './g2g/v1/JoinWelcome';
import type { LatencyGroupInfo as _g2g_v1_LatencyGroupInfo, LatencyGroupInfo__Output as _g2g_v1_LatencyGroupInfo__Output } from './g2g/v1/LatencyGroupInfo';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from './g2g/v1/LeafInfo';
import type { ListTokensRequest as _g2g_v1_ListTokensRequest, ListTokensRequest__Output as _g2g_v1_ListTokensRequest__Output } from './g2g/v1/ListTokensRequest';
import type { ListTokensResponse as _g2g_v1_ListTokensResponse, ListTokensResponse__Output as _g2g_v1_ListTokensResponse__Output } from './g2g/v1/ListTokensResponse';
import type { MemberInfo as _g2g_v1_MemberInfo, MemberInfo__Output as _g2g_v1_MemberInfo__Output } from './g2g/v1/MemberInfo';
import type { MembersRequest as _g2g_v1_MembersRequest, MembersRequest__Output as _g2g_v1_MembersRequest__Output } from './g2g/v1/MembersRequest';
import type { MembersResponse as _g2g_v1_MembersResponse, MembersResponse__Output as _g2g_v1_MembersResponse__Output } from './g2g/v1/MembersResponse';
import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from './g2g/v1/NodeRecord';
import type { NominateRequest as _g2g_v1_NominateRequest, NominateRequest__Output as _g2g_v1_NominateRequest__Output } from './g2g/v1/NominateRequest';
import type { NominateResponse as _g2g_v1_NominateResponse, NominateResponse__Output as _g2g_v1_NominateResponse__Output } from './g2g/v1/NominateResponse';
import type { PeerInfo as _g2g_v1_PeerInfo, PeerInfo__Output as _g2g_v1_PeerInfo__Output } from './g2g/v1/PeerInfo';
import type { PeersRequest as _g2g_v1_PeersRequest, PeersRequest__Output as _g2g_v1_PeersRequest__Output } from './g2g/v1/PeersRequest';
import type { PeersResponse as _g2g_v1_PeersResponse, PeersResponse__Output as _g2g_v1_PeersResponse__Output } from './g2g/v1/PeersResponse';
import type { PluginInfo as _g2g_v1_PluginInfo, PluginInfo__Output as _g2g_v1_PluginInfo__Output } from './g2g/v1/PluginInfo';
import type { PluginsRequest as _g2g_v1_PluginsRequest, PluginsRequest__Output as _g2g_v1_PluginsRequest__Output } from './g2g/v1/PluginsRequest';
import type { PluginsResponse as _g2g_v1_PluginsResponse, PluginsResponse__Output as _g2g_v1_PluginsResponse__Output } from './g2g/v1/PluginsResponse';
import type { RegisterClient as _g2g_v1_RegisterClient, RegisterDefinition as _g2g_v1_RegisterDefinition } from './g2g/v1/Register';
import type { RejoinChallenge as _g2g_v1_RejoinChallenge, RejoinChallenge__Output as _g2g_v1_RejoinChallenge__Output } from './g2g/v1/RejoinChallenge';
import type { RejoinHello as _g2g_v1_RejoinHello, RejoinHello__Output as _g2g_v1_RejoinHello__Output } from './g2g/v1/RejoinHello';
import type { RejoinMessage as _g2g_v1_RejoinMessage, RejoinMessage__Output as _g2g_v1_RejoinMessage__Output } from './g2g/v1/RejoinMessage';
import type { RejoinProof as _g2g_v1_RejoinProof, RejoinProof__Output as _g2g_v1_RejoinProof__Output } from './g2g/v1/RejoinProof';
import type { RejoinWelcome as _g2g_v1_RejoinWelcome, RejoinWelcome__Output as _g2g_v1_RejoinWelcome__Output } from './g2g/v1/RejoinWelcome';
import type { RemoveRequest as _g2g_v1_RemoveRequest, RemoveRequest__Output as _g2g_v1_RemoveRequest__Output } from './g2g/v1/RemoveRequest';
import type { RemoveResponse as _g2g_v1_RemoveResponse, RemoveResponse__Output as _g2g_v1_RemoveResponse__Output } from './g2g/v1/RemoveResponse';
import type { RevokeTokenRequest as _g2g_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _g2g_v1_RevokeTokenRequest__Output } from './g2g/v1/RevokeTokenRequest';
import type { RevokeTokenResponse as _g2g_v1_RevokeTokenResponse, RevokeTokenResponse__Output as _g2g_v1_RevokeTokenResponse__Output } from './g2g/v1/RevokeTokenResponse';
import type { RotateRequest as _g2g_v1_RotateRequest, RotateRequest__Output as _g2g_v1_RotateRequest__Output } from './g2g/v1/RotateRequest';
import type { RotateResponse as _g2g_v1_RotateResponse, RotateResponse__Output as _g2g_v1_RotateResponse__Output } from './g2g/v1/RotateResponse';
import type { RotateTokenRequest as _g2g_v1_RotateTokenRequest, RotateTokenRequest__Output as _g2g_v1_RotateTokenRequest__Output } from './g2g/v1/RotateTokenRequest';
import type { RotateTokenResponse as _g2g_v1_RotateTokenResponse, RotateTokenResponse__Output as _g2g_v1_RotateTokenResponse__Output } from './g2g/v1/RotateTokenResponse';
import type { StatusRequest as _g2g_v1_StatusRequest, StatusRequest__Output as _g2g_v1_StatusRequest__Output } from './g2g/v1/StatusRequest';
import type { StatusResponse as _g2g_v1_StatusResponse, StatusResponse__Output as _g2g_v1_StatusResponse__Output } from './g2g/v1/StatusResponse';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from './g2g/v1/Tag';
import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from './g2g/v1/TokenInfo';
import type { TokenSyncRecord as _g2g_v1_TokenSyncRecord, TokenSyncRecord__Output as _g2g_v1_TokenSyncRecord__Output } from './g2g/v1/TokenSyncRecord';
import type { WatchEventsRequest as _g2g_v1_WatchEventsRequest, WatchEventsRequest__Output as _g2g_v1_WatchEventsRequest__Output } from './g2g/v1/WatchEventsRequest';
import type { WhoAmIRequest as _g2g_v1_WhoAmIRequest, WhoAmIRequest__Output as _g2g_v1_WhoAmIRequest__Output } from './g2g/v1/WhoAmIRequest';
import type { WhoAmIResponse as _g2g_v1_WhoAmIResponse, WhoAmIResponse__Output as _g2g_v1_WhoAmIResponse__Output } from './g2g/v1/WhoAmIResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  g2g: {
    v1: {
      Admin: SubtypeConstructor<typeof grpc.Client, _g2g_v1_AdminClient> & { service: _g2g_v1_AdminDefinition }
      CaEndorsement: MessageTypeDefinition<_g2g_v1_CaEndorsement, _g2g_v1_CaEndorsement__Output>
      ClusterEvent: MessageTypeDefinition<_g2g_v1_ClusterEvent, _g2g_v1_ClusterEvent__Output>
      CreateTokenRequest: MessageTypeDefinition<_g2g_v1_CreateTokenRequest, _g2g_v1_CreateTokenRequest__Output>
      CreateTokenResponse: MessageTypeDefinition<_g2g_v1_CreateTokenResponse, _g2g_v1_CreateTokenResponse__Output>
      JoinHello: MessageTypeDefinition<_g2g_v1_JoinHello, _g2g_v1_JoinHello__Output>
      JoinMessage: MessageTypeDefinition<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>
      JoinProof: MessageTypeDefinition<_g2g_v1_JoinProof, _g2g_v1_JoinProof__Output>
      JoinWelcome: MessageTypeDefinition<_g2g_v1_JoinWelcome, _g2g_v1_JoinWelcome__Output>
      LatencyGroupInfo: MessageTypeDefinition<_g2g_v1_LatencyGroupInfo, _g2g_v1_LatencyGroupInfo__Output>
      LeafInfo: MessageTypeDefinition<_g2g_v1_LeafInfo, _g2g_v1_LeafInfo__Output>
      ListTokensRequest: MessageTypeDefinition<_g2g_v1_ListTokensRequest, _g2g_v1_ListTokensRequest__Output>
      ListTokensResponse: MessageTypeDefinition<_g2g_v1_ListTokensResponse, _g2g_v1_ListTokensResponse__Output>
      MemberInfo: MessageTypeDefinition<_g2g_v1_MemberInfo, _g2g_v1_MemberInfo__Output>
      MemberState: EnumTypeDefinition
      MembersRequest: MessageTypeDefinition<_g2g_v1_MembersRequest, _g2g_v1_MembersRequest__Output>
      MembersResponse: MessageTypeDefinition<_g2g_v1_MembersResponse, _g2g_v1_MembersResponse__Output>
      NodeMode: EnumTypeDefinition
      NodeRecord: MessageTypeDefinition<_g2g_v1_NodeRecord, _g2g_v1_NodeRecord__Output>
      NominateRequest: MessageTypeDefinition<_g2g_v1_NominateRequest, _g2g_v1_NominateRequest__Output>
      NominateResponse: MessageTypeDefinition<_g2g_v1_NominateResponse, _g2g_v1_NominateResponse__Output>
      PeerInfo: MessageTypeDefinition<_g2g_v1_PeerInfo, _g2g_v1_PeerInfo__Output>
      PeersRequest: MessageTypeDefinition<_g2g_v1_PeersRequest, _g2g_v1_PeersRequest__Output>
      PeersResponse: MessageTypeDefinition<_g2g_v1_PeersResponse, _g2g_v1_PeersResponse__Output>
      PluginInfo: MessageTypeDefinition<_g2g_v1_PluginInfo, _g2g_v1_PluginInfo__Output>
      PluginsRequest: MessageTypeDefinition<_g2g_v1_PluginsRequest, _g2g_v1_PluginsRequest__Output>
      PluginsResponse: MessageTypeDefinition<_g2g_v1_PluginsResponse, _g2g_v1_PluginsResponse__Output>
      Register: SubtypeConstructor<typeof grpc.Client, _g2g_v1_RegisterClient> & { service: _g2g_v1_RegisterDefinition }
      RejoinChallenge: MessageTypeDefinition<_g2g_v1_RejoinChallenge, _g2g_v1_RejoinChallenge__Output>
      RejoinHello: MessageTypeDefinition<_g2g_v1_RejoinHello, _g2g_v1_RejoinHello__Output>
      RejoinMessage: MessageTypeDefinition<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>
      RejoinProof: MessageTypeDefinition<_g2g_v1_RejoinProof, _g2g_v1_RejoinProof__Output>
      RejoinWelcome: MessageTypeDefinition<_g2g_v1_RejoinWelcome, _g2g_v1_RejoinWelcome__Output>
      RemoveRequest: MessageTypeDefinition<_g2g_v1_RemoveRequest, _g2g_v1_RemoveRequest__Output>
      RemoveResponse: MessageTypeDefinition<_g2g_v1_RemoveResponse, _g2g_v1_RemoveResponse__Output>
      RevokeTokenRequest: MessageTypeDefinition<_g2g_v1_RevokeTokenRequest, _g2g_v1_RevokeTokenRequest__Output>
      RevokeTokenResponse: MessageTypeDefinition<_g2g_v1_RevokeTokenResponse, _g2g_v1_RevokeTokenResponse__Output>
      RotateRequest: MessageTypeDefinition<_g2g_v1_RotateRequest, _g2g_v1_RotateRequest__Output>
      RotateResponse: MessageTypeDefinition<_g2g_v1_RotateResponse, _g2g_v1_RotateResponse__Output>
      RotateTokenRequest: MessageTypeDefinition<_g2g_v1_RotateTokenRequest, _g2g_v1_RotateTokenRequest__Output>
      RotateTokenResponse: MessageTypeDefinition<_g2g_v1_RotateTokenResponse, _g2g_v1_RotateTokenResponse__Output>
      StatusRequest: MessageTypeDefinition<_g2g_v1_StatusRequest, _g2g_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_g2g_v1_StatusResponse, _g2g_v1_StatusResponse__Output>
      Tag: MessageTypeDefinition<_g2g_v1_Tag, _g2g_v1_Tag__Output>
      TokenInfo: MessageTypeDefinition<_g2g_v1_TokenInfo, _g2g_v1_TokenInfo__Output>
      TokenState: EnumTypeDefinition
      TokenSyncRecord: MessageTypeDefinition<_g2g_v1_TokenSyncRecord, _g2g_v1_TokenSyncRecord__Output>
      WatchEventsRequest: MessageTypeDefinition<_g2g_v1_WatchEventsRequest, _g2g_v1_WatchEventsRequest__Output>
      WhoAmIRequest: MessageTypeDefinition<_g2g_v1_WhoAmIRequest, _g2g_v1_WhoAmIRequest__Output>
      WhoAmIResponse: MessageTypeDefinition<_g2g_v1_WhoAmIResponse, _g2g_v1_WhoAmIResponse__Output>
    }
  }
}

