// Original file: /work/wt/plugin/examples/plugin-author/greeter.proto


export interface HeardRequest {
}

export interface HeardRequest__Output {
}
