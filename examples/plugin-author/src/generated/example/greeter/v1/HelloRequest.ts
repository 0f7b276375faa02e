// Original file: /work/wt/plugin/examples/plugin-author/greeter.proto


export interface HelloRequest {
}

export interface HelloRequest__Output {
}
