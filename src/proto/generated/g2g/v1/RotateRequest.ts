// Original file: proto/g2g/v1/admin.proto


export interface RotateRequest {
  /**
   * Why (kept in the log).
   */
  'reason'?: (string);
  /**
   * Rotate the node CA instead of the leaf (`g2g rotate --ca`): a new CA endorsed by the
   * current one, gossiped at once; leaves switch to it after half the grace period; the old CA
   * is trusted until its end. The node id does not change.
   */
  'ca'?: (boolean);
}

export interface RotateRequest__Output {
  /**
   * Why (kept in the log).
   */
  'reason': (string);
  /**
   * Rotate the node CA instead of the leaf (`g2g rotate --ca`): a new CA endorsed by the
   * current one, gossiped at once; leaves switch to it after half the grace period; the old CA
   * is trusted until its end. The node id does not change.
   */
  'ca': (boolean);
}
