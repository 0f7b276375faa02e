// Original file: proto/g2g/v1/admin.proto


export interface ListTokensRequest {
  /**
   * Also list revoked, used and expired tokens.
   */
  'includeInactive'?: (boolean);
}

export interface ListTokensRequest__Output {
  /**
   * Also list revoked, used and expired tokens.
   */
  'includeInactive': (boolean);
}
