// Original file: proto/g2g/v1/admin.proto


/**
 * Peers cut at natural gaps of latency, labelled by the mean latency of their members.
 */
export interface LatencyGroupInfo {
  'id'?: (number);
  'labelMs'?: (number | string);
  'members'?: (string)[];
}

/**
 * Peers cut at natural gaps of latency, labelled by the mean latency of their members.
 */
export interface LatencyGroupInfo__Output {
  'id': (number);
  'labelMs': (number);
  'members': (string)[];
}
