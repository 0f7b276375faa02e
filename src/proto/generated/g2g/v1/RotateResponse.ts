// Original file: proto/g2g/v1/admin.proto

import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';

export interface RotateResponse {
  'previous'?: (_g2g_v1_LeafInfo | null);
  'current'?: (_g2g_v1_LeafInfo | null);
}

export interface RotateResponse__Output {
  'previous': (_g2g_v1_LeafInfo__Output | null);
  'current': (_g2g_v1_LeafInfo__Output | null);
}
