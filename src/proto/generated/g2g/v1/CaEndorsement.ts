// Original file: proto/g2g/v1/node.proto


/**
 * One CA certificate of a node's lineage.
 */
export interface CaEndorsement {
  'caCertPem'?: (string);
  /**
   * The previous CA key's signature over ("g2g.v1.CaEndorsement\n", node_id, SHA-256 of this
   * certificate's DER); empty for the original CA.
   */
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * One CA certificate of a node's lineage.
 */
export interface CaEndorsement__Output {
  'caCertPem': (string);
  /**
   * The previous CA key's signature over ("g2g.v1.CaEndorsement\n", node_id, SHA-256 of this
   * certificate's DER); empty for the original CA.
   */
  'signature': (Buffer);
}
