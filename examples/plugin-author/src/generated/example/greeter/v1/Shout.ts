// Original file: greeter.proto


export interface Shout {
  'nodeId'?: (string);
  'text'?: (string);
}

export interface Shout__Output {
  'nodeId': (string);
  'text': (string);
}
