// Original file: proto/g2g/v1/admin.proto

import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from '../../g2g/v1/TokenInfo';

export interface RotateTokenResponse {
  'info'?: (_g2g_v1_TokenInfo | null);
  /**
   * "<id>.<new secret>": shown this once.
   */
  'token'?: (string);
}

export interface RotateTokenResponse__Output {
  'info': (_g2g_v1_TokenInfo__Output | null);
  /**
   * "<id>.<new secret>": shown this once.
   */
  'token': (string);
}
