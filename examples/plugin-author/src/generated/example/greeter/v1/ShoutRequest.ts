// Original file: greeter.proto


export interface ShoutRequest {
  'text'?: (string);
}

export interface ShoutRequest__Output {
  'text': (string);
}
