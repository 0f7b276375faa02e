// Original file: proto/g2g/v1/admin.proto


export interface RotateRequest {
  /**
   * Why (kept in the log).
   */
  'reason'?: (string);
}

export interface RotateRequest__Output {
  /**
   * Why (kept in the log).
   */
  'reason': (string);
}
