// Original file: greeter.proto


export interface PeerFailure {
  'nodeId'?: (string);
  'error'?: (string);
}

export interface PeerFailure__Output {
  'nodeId': (string);
  'error': (string);
}
