import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _g2g_v1_AdminClient, AdminDefinition as _g2g_v1_AdminDefinition } from './g2g/v1/Admin';
import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from './g2g/v1/LeafInfo';
import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from './g2g/v1/NodeRecord';
import type { RotateRequest as _g2g_v1_RotateRequest, RotateRequest__Output as _g2g_v1_RotateRequest__Output } from './g2g/v1/RotateRequest';
import type { RotateResponse as _g2g_v1_RotateResponse, RotateResponse__Output as _g2g_v1_RotateResponse__Output } from './g2g/v1/RotateResponse';
import type { StatusRequest as _g2g_v1_StatusRequest, StatusRequest__Output as _g2g_v1_StatusRequest__Output } from './g2g/v1/StatusRequest';
import type { StatusResponse as _g2g_v1_StatusResponse, StatusResponse__Output as _g2g_v1_StatusResponse__Output } from './g2g/v1/StatusResponse';
import type { Tag as _g2g_v1_Tag, Tag__Output as _g2g_v1_Tag__Output } from './g2g/v1/Tag';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  g2g: {
    v1: {
      Admin: SubtypeConstructor<typeof grpc.Client, _g2g_v1_AdminClient> & { service: _g2g_v1_AdminDefinition }
      LeafInfo: MessageTypeDefinition<_g2g_v1_LeafInfo, _g2g_v1_LeafInfo__Output>
      NodeMode: EnumTypeDefinition
      NodeRecord: MessageTypeDefinition<_g2g_v1_NodeRecord, _g2g_v1_NodeRecord__Output>
      RotateRequest: MessageTypeDefinition<_g2g_v1_RotateRequest, _g2g_v1_RotateRequest__Output>
      RotateResponse: MessageTypeDefinition<_g2g_v1_RotateResponse, _g2g_v1_RotateResponse__Output>
      StatusRequest: MessageTypeDefinition<_g2g_v1_StatusRequest, _g2g_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_g2g_v1_StatusResponse, _g2g_v1_StatusResponse__Output>
      Tag: MessageTypeDefinition<_g2g_v1_Tag, _g2g_v1_Tag__Output>
    }
  }
}

