// Original file: proto/g2g/v1/admin.proto


export interface PeersRequest {
}

export interface PeersRequest__Output {
}
