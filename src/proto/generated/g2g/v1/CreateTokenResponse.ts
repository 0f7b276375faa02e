// Original file: proto/g2g/v1/admin.proto

import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from '../../g2g/v1/TokenInfo';

export interface CreateTokenResponse {
  'info'?: (_g2g_v1_TokenInfo | null);
  /**
   * "<id>.<secret>": shown this once.
   */
  'token'?: (string);
}

export interface CreateTokenResponse__Output {
  'info': (_g2g_v1_TokenInfo__Output | null);
  /**
   * "<id>.<secret>": shown this once.
   */
  'token': (string);
}
