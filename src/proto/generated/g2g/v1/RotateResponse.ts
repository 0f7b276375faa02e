// Original file: proto/g2g/v1/admin.proto

import type { LeafInfo as _g2g_v1_LeafInfo, LeafInfo__Output as _g2g_v1_LeafInfo__Output } from '../../g2g/v1/LeafInfo';
import type { Long } from '@grpc/proto-loader';

export interface RotateResponse {
  /**
   * Leaf rotation: the leaf before and after.
   */
  'previous'?: (_g2g_v1_LeafInfo | null);
  'current'?: (_g2g_v1_LeafInfo | null);
  /**
   * CA rotation: the CA before and after ("sha256:<hex>"), and when leaves switch to the new CA
   * and the old one stops being trusted (ms since the Unix epoch).
   */
  'previousCaFingerprint'?: (string);
  'caFingerprint'?: (string);
  'caSwitchUnixMs'?: (number | string | Long);
  'caRetireUnixMs'?: (number | string | Long);
}

export interface RotateResponse__Output {
  /**
   * Leaf rotation: the leaf before and after.
   */
  'previous': (_g2g_v1_LeafInfo__Output | null);
  'current': (_g2g_v1_LeafInfo__Output | null);
  /**
   * CA rotation: the CA before and after ("sha256:<hex>"), and when leaves switch to the new CA
   * and the old one stops being trusted (ms since the Unix epoch).
   */
  'previousCaFingerprint': (string);
  'caFingerprint': (string);
  'caSwitchUnixMs': (number);
  'caRetireUnixMs': (number);
}
