// Original file: greeter.proto


export interface HelloRequest {
}

export interface HelloRequest__Output {
}
