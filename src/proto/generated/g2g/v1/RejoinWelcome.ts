// Original file: proto/g2g/v1/register.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

/**
 * Node -> member, last, once the record was taken.
 */
export interface RejoinWelcome {
  'server'?: (_g2g_v1_NodeRecord | null);
  /**
   * A sample of the node's peers.
   */
  'peers'?: (_g2g_v1_NodeRecord)[];
}

/**
 * Node -> member, last, once the record was taken.
 */
export interface RejoinWelcome__Output {
  'server': (_g2g_v1_NodeRecord__Output | null);
  /**
   * A sample of the node's peers.
   */
  'peers': (_g2g_v1_NodeRecord__Output)[];
}
