// Original file: proto/g2g/v1/channel.proto


export interface ChannelPushResponse {
  /**
   * How many of the messages were new to the callee (informational).
   */
  'accepted'?: (number);
}

export interface ChannelPushResponse__Output {
  /**
   * How many of the messages were new to the callee (informational).
   */
  'accepted': (number);
}
