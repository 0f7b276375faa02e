// Original file: proto/g2g/v1/admin.proto


export interface RemoveRequest {
  'nodeId'?: (string);
  /**
   * Why (kept in the log).
   */
  'reason'?: (string);
}

export interface RemoveRequest__Output {
  'nodeId': (string);
  /**
   * Why (kept in the log).
   */
  'reason': (string);
}
