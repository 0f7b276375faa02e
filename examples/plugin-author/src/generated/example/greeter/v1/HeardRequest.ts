// Original file: greeter.proto


export interface HeardRequest {
}

export interface HeardRequest__Output {
}
