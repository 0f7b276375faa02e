import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CaEndorsement as _g2g_v1_CaEndorsement, CaEndorsement__Output as _g2g_v1_CaEndorsement__Output } from './g2g/v1/CaEndorsement';
import type { JoinHello as _g2g_v1_JoinHello, JoinHello__Output as _g2g_v1_JoinHello__Output } from './g2g/v1/JoinHello';
import type { JoinMessage as _g2g_v1_JoinMessage, JoinMessage__Output as _g2g_v1_JoinMessage__Output } from './g2g/v1/JoinMessage';
import type { JoinProof as _g2g_v1_JoinProof, JoinProof__Output as _g2g_v1_JoinProof__Output } from './g2g/v1/JoinProof';
import type { JoinWelcome as _g2g_v1_JoinWelcome, JoinWelcome__Output as _g2g_v1_JoinWelcome__Output } from './g2g/v1/JoinWelcome';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from './g2g/v1/LeafInfo';
import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from './g2g/v1/NodeRecord';
import type { RegisterClient as _g2g_v1_RegisterClient, RegisterDefinition as _g2g_v1_RegisterDefinition } from './g2g/v1/Register';
import type { RejoinChallenge as _g2g_v1_RejoinChallenge, RejoinChallenge__Output as _g2g_v1_RejoinChallenge__Output } from './g2g/v1/RejoinChallenge';
import type { RejoinHello as _g2g_v1_RejoinHello, RejoinHello__Output as _g2g_v1_RejoinHello__Output } from './g2g/v1/RejoinHello';
import type { RejoinMessage as _g2g_v1_RejoinMessage, RejoinMessage__Output as _g2g_v1_RejoinMessage__Output } from './g2g/v1/RejoinMessage';
import type { RejoinProof as _g2g_v1_RejoinProof, RejoinProof__Output as _g2g_v1_RejoinProof__Output } from './g2g/v1/RejoinProof';
import type { RejoinWelcome as _g2g_v1_RejoinWelcome, RejoinWelcome__Output as _g2g_v1_RejoinWelcome__Output } from './g2g/v1/RejoinWelcome';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from './g2g/v1/Tag';
import type { TokenSyncRecord as _g2g_v1_TokenSyncRecord, TokenSyncRecord__Output as _g2g_v1_TokenSyncRecord__Output } from './g2g/v1/TokenSyncRecord';
import type { WhoAmIRequest as _g2g_v1_WhoAmIRequest, WhoAmIRequest__Output as _g2g_v1_WhoAmIRequest__Output } from './g2g/v1/WhoAmIRequest';
import type { WhoAmIResponse as _g2g_v1_WhoAmIResponse, WhoAmIResponse__Output as _g2g_v1_WhoAmIResponse__Output } from './g2g/v1/WhoAmIResponse';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  g2g: {
    v1: {
      CaEndorsement: MessageTypeDefinition<_g2g_v1_CaEndorsement, _g2g_v1_CaEndorsement__Output>
      JoinHello: MessageTypeDefinition<_g2g_v1_JoinHello, _g2g_v1_JoinHello__Output>
      JoinMessage: MessageTypeDefinition<_g2g_v1_JoinMessage, _g2g_v1_JoinMessage__Output>
      JoinProof: MessageTypeDefinition<_g2g_v1_JoinProof, _g2g_v1_JoinProof__Output>
      JoinWelcome: MessageTypeDefinition<_g2g_v1_JoinWelcome, _g2g_v1_JoinWelcome__Output>
      LeafInfo: MessageTypeDefinition<_g2g_v1_LeafInfo, _g2g_v1_LeafInfo__Output>
      MemberState: EnumTypeDefinition
      NodeMode: EnumTypeDefinition
      NodeRecord: MessageTypeDefinition<_g2g_v1_NodeRecord, _g2g_v1_NodeRecord__Output>
      Register: SubtypeConstructor<typeof grpc.Client, _g2g_v1_RegisterClient> & { service: _g2g_v1_RegisterDefinition }
      RejoinChallenge: MessageTypeDefinition<_g2g_v1_RejoinChallenge, _g2g_v1_RejoinChallenge__Output>
      RejoinHello: MessageTypeDefinition<_g2g_v1_RejoinHello, _g2g_v1_RejoinHello__Output>
      RejoinMessage: MessageTypeDefinition<_g2g_v1_RejoinMessage, _g2g_v1_RejoinMessage__Output>
      RejoinProof: MessageTypeDefinition<_g2g_v1_RejoinProof, _g2g_v1_RejoinProof__Output>
      RejoinWelcome: MessageTypeDefinition<_g2g_v1_RejoinWelcome, _g2g_v1_RejoinWelcome__Output>
      Tag: MessageTypeDefinition<_g2g_v1_Tag, _g2g_v1_Tag__Output>
      TokenState: EnumTypeDefinition
      TokenSyncRecord: MessageTypeDefinition<_g2g_v1_TokenSyncRecord, _g2g_v1_TokenSyncRecord__Output>
      WhoAmIRequest: MessageTypeDefinition<_g2g_v1_WhoAmIRequest, _g2g_v1_WhoAmIRequest__Output>
      WhoAmIResponse: MessageTypeDefinition<_g2g_v1_WhoAmIResponse, _g2g_v1_WhoAmIResponse__Output>
    }
  }
}

