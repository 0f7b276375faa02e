// Original file: proto/g2g/v1/register.proto


export interface WhoAmIRequest {
}

export interface WhoAmIRequest__Output {
}
