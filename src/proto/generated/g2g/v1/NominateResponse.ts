// Original file: proto/g2g/v1/admin.proto

import type { TokenInfo as _g2g_v1_TokenInfo, TokenInfo__Output as _g2g_v1_TokenInfo__Output } from '../../g2g/v1/TokenInfo';

export interface NominateResponse {
  /**
   * g2g://<id>.<secret>@host:port[,host:port]?mode=...&ca=sha256:...&cluster=...&exp=...
   */
  'ticket'?: (string);
  'info'?: (_g2g_v1_TokenInfo | null);
}

export interface NominateResponse__Output {
  /**
   * g2g://<id>.<secret>@host:port[,host:port]?mode=...&ca=sha256:...&cluster=...&exp=...
   */
  'ticket': (string);
  'info': (_g2g_v1_TokenInfo__Output | null);
}
