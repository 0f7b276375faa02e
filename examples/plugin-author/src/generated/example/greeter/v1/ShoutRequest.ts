// Original file: /work/wt/plugin/examples/plugin-author/greeter.proto


export interface ShoutRequest {
  'text'?: (string);
}

export interface ShoutRequest__Output {
  'text': (string);
}
