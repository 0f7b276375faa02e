// Original file: greeter.proto


export interface HelloResponse {
  /**
   * "<greeting>, <who you are>, from <this node's id>".
   */
  'message'?: (string);
}

export interface HelloResponse__Output {
  /**
   * "<greeting>, <who you are>, from <this node's id>".
   */
  'message': (string);
}
