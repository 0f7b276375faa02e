// Original file: proto/g2g/v1/admin.proto


export interface RotateTokenRequest {
  'id'?: (string);
}

export interface RotateTokenRequest__Output {
  'id': (string);
}
