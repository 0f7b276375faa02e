// Original file: proto/g2g/v1/gossip.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

export interface ExchangeRequest {
  'sender'?: (_g2g_v1_NodeRecord | null);
  'records'?: (_g2g_v1_NodeRecord)[];
}

export interface ExchangeRequest__Output {
  'sender': (_g2g_v1_NodeRecord__Output | null);
  'records': (_g2g_v1_NodeRecord__Output)[];
}
