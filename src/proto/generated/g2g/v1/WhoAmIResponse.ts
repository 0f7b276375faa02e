// Original file: proto/g2g/v1/register.proto


export interface WhoAmIResponse {
  /**
   * The caller's IP address as seen by this node (IPv4-mapped IPv6 is unwrapped).
   */
  'address'?: (string);
  'port'?: (number);
  /**
   * Who answered.
   */
  'nodeId'?: (string);
  'cluster'?: (string);
  /**
   * The answering node's CA certificate (PEM); what a join ticket's `ca=` fingerprint pins.
   */
  'caCertPem'?: (string);
}

export interface WhoAmIResponse__Output {
  /**
   * The caller's IP address as seen by this node (IPv4-mapped IPv6 is unwrapped).
   */
  'address': (string);
  'port': (number);
  /**
   * Who answered.
   */
  'nodeId': (string);
  'cluster': (string);
  /**
   * The answering node's CA certificate (PEM); what a join ticket's `ca=` fingerprint pins.
   */
  'caCertPem': (string);
}
