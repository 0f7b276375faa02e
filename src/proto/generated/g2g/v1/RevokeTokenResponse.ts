// Original file: proto/g2g/v1/admin.proto

import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from '../../g2g/v1/TokenInfo';

export interface RevokeTokenResponse {
  'info'?: (_g2g_v1_TokenInfo | null);
}

export interface RevokeTokenResponse__Output {
  'info': (_g2g_v1_TokenInfo__Output | null);
}
