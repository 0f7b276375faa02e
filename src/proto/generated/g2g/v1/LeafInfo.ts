// Original file: proto/g2g/v1/node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The node's current leaf certificate, as peers need to know it (never the key).
 */
export interface LeafInfo {
  /**
   * "sha256:<hex>" of the leaf's DER.
   */
  'fingerprint'?: (string);
  /**
   * Expiry, milliseconds since the Unix epoch.
   */
  'notAfterUnixMs'?: (number | string | Long);
}

/**
 * The node's current leaf certificate, as peers need to know it (never the key).
 */
export interface LeafInfo__Output {
  /**
   * "sha256:<hex>" of the leaf's DER.
   */
  'fingerprint': (string);
  /**
   * Expiry, milliseconds since the Unix epoch.
   */
  'notAfterUnixMs': (number);
}
