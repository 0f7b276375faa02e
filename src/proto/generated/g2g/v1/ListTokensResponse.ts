// Original file: proto/g2g/v1/admin.proto

import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from '../../g2g/v1/TokenInfo';

export interface ListTokensResponse {
  'tokens'?: (_g2g_v1_TokenInfo)[];
}

export interface ListTokensResponse__Output {
  'tokens': (_g2g_v1_TokenInfo__Output)[];
}
