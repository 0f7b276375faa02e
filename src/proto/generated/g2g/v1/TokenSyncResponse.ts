// Original file: proto/g2g/v1/token_sync.proto

import type { TokenSyncRecord as _g2g_v1_TokenSyncRecord, TokenSyncRecord__Output as _g2g_v1_TokenSyncRecord__Output } from '../../g2g/v1/TokenSyncRecord';

export interface TokenSyncResponse {
  'entries'?: (_g2g_v1_TokenSyncRecord)[];
}

export interface TokenSyncResponse__Output {
  'entries': (_g2g_v1_TokenSyncRecord__Output)[];
}
