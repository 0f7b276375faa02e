// Original file: proto/g2g/v1/register.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';
import type { NodeMode as _g2g_v1_NodeMode, NodeMode__Output as _g2g_v1_NodeMode__Output } from '../../g2g/v1/NodeMode';

/**
 * Node -> newcomer, last, once the newcomer has been admitted.
 */
export interface JoinWelcome {
  /**
   * The node's own record (the same as in the server proof).
   */
  'server'?: (_g2g_v1_NodeRecord | null);
  /**
   * A sample of the node's peers.
   */
  'peers'?: (_g2g_v1_NodeRecord)[];
  'services'?: (string)[];
  /**
   * The newcomer's address as the server saw it.
   */
  'observedAddress'?: (string);
  /**
   * Empty when the newcomer was admitted as it asked; otherwise why it was not (for example
   * its advertised gossip addresses could not be reached, so it was admitted as a client).
   */
  'connectBackError'?: (string);
  /**
   * The mode the newcomer was admitted in.
   */
  'admittedMode'?: (_g2g_v1_NodeMode);
}

/**
 * Node -> newcomer, last, once the newcomer has been admitted.
 */
export interface JoinWelcome__Output {
  /**
   * The node's own record (the same as in the server proof).
   */
  'server': (_g2g_v1_NodeRecord__Output | null);
  /**
   * A sample of the node's peers.
   */
  'peers': (_g2g_v1_NodeRecord__Output)[];
  'services': (string)[];
  /**
   * The newcomer's address as the server saw it.
   */
  'observedAddress': (string);
  /**
   * Empty when the newcomer was admitted as it asked; otherwise why it was not (for example
   * its advertised gossip addresses could not be reached, so it was admitted as a client).
   */
  'connectBackError': (string);
  /**
   * The mode the newcomer was admitted in.
   */
  'admittedMode': (_g2g_v1_NodeMode__Output);
}
