// Original file: proto/g2g/v1/register.proto


/**
 * Member -> node, first.
 */
export interface RejoinHello {
  /**
   * The member's cluster; a node of another cluster refuses (FAILED_PRECONDITION).
   */
  'cluster'?: (string);
  /**
   * The rejoin protocol version the member speaks.
   */
  'protocolVersion'?: (number);
  /**
   * The member's NodeRecord, serialised, signed with its current CA key and carrying its CA
   * lineage (NodeRecord.ca_lineage).
   */
  'recordBytes'?: (Buffer | Uint8Array | string);
}

/**
 * Member -> node, first.
 */
export interface RejoinHello__Output {
  /**
   * The member's cluster; a node of another cluster refuses (FAILED_PRECONDITION).
   */
  'cluster': (string);
  /**
   * The rejoin protocol version the member speaks.
   */
  'protocolVersion': (number);
  /**
   * The member's NodeRecord, serialised, signed with its current CA key and carrying its CA
   * lineage (NodeRecord.ca_lineage).
   */
  'recordBytes': (Buffer);
}
