// Original file: greeter.proto


export interface HelloPeersRequest {
  /**
   * How many peers to ask (0: 3).
   */
  'count'?: (number);
}

export interface HelloPeersRequest__Output {
  /**
   * How many peers to ask (0: 3).
   */
  'count': (number);
}
