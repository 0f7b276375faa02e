// Original file: proto/g2g/v1/gossip.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';
import type { Long } from '@grpc/proto-loader';

/**
 * `g2g remove`: a server-mode member orders that `node_id` is no longer a member (or, with
 * `reinstated`, lifts an earlier removal because a newer ticket admitted it again). Every member
 * drops the node, untrusts its CA, refuses its calls and keeps it out. The later
 * `issued_at_unix_ms` wins between two statements about one node.
 */
export interface Removal {
  'nodeId'?: (string);
  /**
   * The remover's own signed record: proves its node CA, cluster and server mode to any member.
   */
  'remover'?: (_g2g_v1_NodeRecord | null);
  'issuedAtUnixMs'?: (number | string | Long);
  /**
   * The remover's node CA signature over the canonical bytes in src/membership/removal.ts.
   */
  'signature'?: (Buffer | Uint8Array | string);
  'reinstated'?: (boolean);
}

/**
 * `g2g remove`: a server-mode member orders that `node_id` is no longer a member (or, with
 * `reinstated`, lifts an earlier removal because a newer ticket admitted it again). Every member
 * drops the node, untrusts its CA, refuses its calls and keeps it out. The later
 * `issued_at_unix_ms` wins between two statements about one node.
 */
export interface Removal__Output {
  'nodeId': (string);
  /**
   * The remover's own signed record: proves its node CA, cluster and server mode to any member.
   */
  'remover': (_g2g_v1_NodeRecord__Output | null);
  'issuedAtUnixMs': (number);
  /**
   * The remover's node CA signature over the canonical bytes in src/membership/removal.ts.
   */
  'signature': (Buffer);
  'reinstated': (boolean);
}
