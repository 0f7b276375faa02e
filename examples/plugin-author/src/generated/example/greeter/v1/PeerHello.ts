// Original file: greeter.proto


export interface PeerHello {
  'nodeId'?: (string);
  'message'?: (string);
}

export interface PeerHello__Output {
  'nodeId': (string);
  'message': (string);
}
