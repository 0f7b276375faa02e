// Original file: proto/g2g/v1/admin.proto


export interface MembersRequest {
}

export interface MembersRequest__Output {
}
