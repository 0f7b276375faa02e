// Original file: proto/g2g/v1/register.proto

import type { CaEndorsement as _g2g_v1_CaEndorsement, CaEndorsement__Output as _g2g_v1_CaEndorsement__Output } from '../../g2g/v1/CaEndorsement';

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
   * The answering node's CA certificate (PEM): the one that issued the leaf it presents now.
   * A join ticket's `ca=` fingerprint pins it, or any CA of `ca_lineage`.
   */
  'caCertPem'?: (string);
  /**
   * After a node-CA rotation: the node's CA lineage (see NodeRecord.ca_lineage), which proves
   * that `ca_cert_pem` belongs to `node_id`. Empty when its CA never rotated.
   */
  'caLineage'?: (_g2g_v1_CaEndorsement)[];
  /**
   * The answering node's register port at the addresses it advertises (host:port). A newcomer
   * that reached it through a load balancer (a Kubernetes Service) runs the join handshake
   * there: a new connection to the balancer may reach another node, whose leaf the CA learned
   * here does not verify. Unauthenticated like the rest of this answer; the handshake
   * authenticates the node it reaches.
   */
  'registerAddresses'?: (string)[];
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
   * The answering node's CA certificate (PEM): the one that issued the leaf it presents now.
   * A join ticket's `ca=` fingerprint pins it, or any CA of `ca_lineage`.
   */
  'caCertPem': (string);
  /**
   * After a node-CA rotation: the node's CA lineage (see NodeRecord.ca_lineage), which proves
   * that `ca_cert_pem` belongs to `node_id`. Empty when its CA never rotated.
   */
  'caLineage': (_g2g_v1_CaEndorsement__Output)[];
  /**
   * The answering node's register port at the addresses it advertises (host:port). A newcomer
   * that reached it through a load balancer (a Kubernetes Service) runs the join handshake
   * there: a new connection to the balancer may reach another node, whose leaf the CA learned
   * here does not verify. Unauthenticated like the rest of this answer; the handshake
   * authenticates the node it reaches.
   */
  'registerAddresses': (string)[];
}
