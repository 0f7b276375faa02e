// Original file: proto/g2g/v1/admin.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
