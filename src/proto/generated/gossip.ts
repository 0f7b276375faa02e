import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { CaEndorsement as _g2g_v1_CaEndorsement, CaEndorsement__Output as _g2g_v1_CaEndorsement__Output } from './g2g/v1/CaEndorsement';
import type { ExchangeRequest as _g2g_v1_ExchangeRequest, ExchangeRequest__Output as _g2g_v1_ExchangeRequest__Output } from './g2g/v1/ExchangeRequest';
import type { ExchangeResponse as _g2g_v1_ExchangeResponse, ExchangeResponse__Output as _g2g_v1_ExchangeResponse__Output } from './g2g/v1/ExchangeResponse';
import type { GossipClient as _g2g_v1_GossipClient, GossipDefinition as _g2g_v1_GossipDefinition } from './g2g/v1/Gossip';
import type { Heartbeat as _g2g_v1_Heartbeat, Heartbeat__Output as _g2g_v1_Heartbeat__Output } from './g2g/v1/Heartbeat';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from './g2g/v1/LeafInfo';
import type { MemberClaim as _g2g_v1_MemberClaim, MemberClaim__Output as _g2g_v1_MemberClaim__Output } from './g2g/v1/MemberClaim';
import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from './g2g/v1/NodeRecord';
import type { PingRequest as _g2g_v1_PingRequest, PingRequest__Output as _g2g_v1_PingRequest__Output } from './g2g/v1/PingRequest';
import type { PingResponse as _g2g_v1_PingResponse, PingResponse__Output as _g2g_v1_PingResponse__Output } from './g2g/v1/PingResponse';
import type { PingViaRequest as _g2g_v1_PingViaRequest, PingViaRequest__Output as _g2g_v1_PingViaRequest__Output } from './g2g/v1/PingViaRequest';
import type { PingViaResponse as _g2g_v1_PingViaResponse, PingViaResponse__Output as _g2g_v1_PingViaResponse__Output } from './g2g/v1/PingViaResponse';
import type { RecordDigest as _g2g_v1_RecordDigest, RecordDigest__Output as _g2g_v1_RecordDigest__Output } from './g2g/v1/RecordDigest';
import type { Removal as _g2g_v1_Removal, Removal__Output as _g2g_v1_Removal__Output } from './g2g/v1/Removal';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from './g2g/v1/Tag';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  g2g: {
    v1: {
      CaEndorsement: MessageTypeDefinition<_g2g_v1_CaEndorsement, _g2g_v1_CaEndorsement__Output>
      ExchangeRequest: MessageTypeDefinition<_g2g_v1_ExchangeRequest, _g2g_v1_ExchangeRequest__Output>
      ExchangeResponse: MessageTypeDefinition<_g2g_v1_ExchangeResponse, _g2g_v1_ExchangeResponse__Output>
      Gossip: SubtypeConstructor<typeof grpc.Client, _g2g_v1_GossipClient> & { service: _g2g_v1_GossipDefinition }
      Heartbeat: MessageTypeDefinition<_g2g_v1_Heartbeat, _g2g_v1_Heartbeat__Output>
      LeafInfo: MessageTypeDefinition<_g2g_v1_LeafInfo, _g2g_v1_LeafInfo__Output>
      MemberClaim: MessageTypeDefinition<_g2g_v1_MemberClaim, _g2g_v1_MemberClaim__Output>
      MemberState: EnumTypeDefinition
      NodeMode: EnumTypeDefinition
      NodeRecord: MessageTypeDefinition<_g2g_v1_NodeRecord, _g2g_v1_NodeRecord__Output>
      PingRequest: MessageTypeDefinition<_g2g_v1_PingRequest, _g2g_v1_PingRequest__Output>
      PingResponse: MessageTypeDefinition<_g2g_v1_PingResponse, _g2g_v1_PingResponse__Output>
      PingViaRequest: MessageTypeDefinition<_g2g_v1_PingViaRequest, _g2g_v1_PingViaRequest__Output>
      PingViaResponse: MessageTypeDefinition<_g2g_v1_PingViaResponse, _g2g_v1_PingViaResponse__Output>
      RecordDigest: MessageTypeDefinition<_g2g_v1_RecordDigest, _g2g_v1_RecordDigest__Output>
      Removal: MessageTypeDefinition<_g2g_v1_Removal, _g2g_v1_Removal__Output>
      Tag: MessageTypeDefinition<_g2g_v1_Tag, _g2g_v1_Tag__Output>
    }
  }
}

