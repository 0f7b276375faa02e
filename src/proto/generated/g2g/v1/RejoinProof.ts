// Original file: proto/g2g/v1/register.proto


/**
 * Member -> node: the current node CA key's signature over the transcript hash (cluster,
 * version, record, nonce, the node's id and the fingerprint of the leaf it presented;
 * src/register/rejoin-handshake.ts has the layout).
 */
export interface RejoinProof {
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * Member -> node: the current node CA key's signature over the transcript hash (cluster,
 * version, record, nonce, the node's id and the fingerprint of the leaf it presented;
 * src/register/rejoin-handshake.ts has the layout).
 */
export interface RejoinProof__Output {
  'signature': (Buffer);
}
