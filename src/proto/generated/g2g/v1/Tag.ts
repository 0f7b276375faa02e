// Original file: proto/g2g/v1/node.proto


/**
 * A small key/value label on a node record (a list, not a map: see the header).
 */
export interface Tag {
  'key'?: (string);
  'value'?: (string);
}

/**
 * A small key/value label on a node record (a list, not a map: see the header).
 */
export interface Tag__Output {
  'key': (string);
  'value': (string);
}
