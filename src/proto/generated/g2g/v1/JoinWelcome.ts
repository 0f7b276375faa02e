// Original file: proto/g2g/v1/register.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';

export interface JoinWelcome {
  'server'?: (_g2g_v1_NodeRecord | null);
  'peers'?: (_g2g_v1_NodeRecord)[];
  'services'?: (string)[];
  /**
   * The newcomer's address as the server saw it.
   */
  'observedAddress'?: (string);
  /**
   * Empty when the newcomer was admitted as it asked; otherwise why it was not.
   */
  'connectBackError'?: (string);
}

export interface JoinWelcome__Output {
  'server': (_g2g_v1_NodeRecord__Output | null);
  'peers': (_g2g_v1_NodeRecord__Output)[];
  'services': (string)[];
  /**
   * The newcomer's address as the server saw it.
   */
  'observedAddress': (string);
  /**
   * Empty when the newcomer was admitted as it asked; otherwise why it was not.
   */
  'connectBackError': (string);
}
