// Original file: proto/g2g/v1/gossip.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

export interface ExchangeResponse {
  'records'?: (_g2g_v1_NodeRecord)[];
}

export interface ExchangeResponse__Output {
  'records': (_g2g_v1_NodeRecord__Output)[];
}
