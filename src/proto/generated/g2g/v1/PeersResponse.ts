// Original file: proto/g2g/v1/admin.proto

import type { LatencyGroupInfo as _g2g_v1_LatencyGroupInfo, LatencyGroupInfo__Output as _g2g_v1_LatencyGroupInfo__Output } from '../../g2g/v1/LatencyGroupInfo';
import type { PeerInfo as _g2g_v1_PeerInfo, PeerInfo__Output as _g2g_v1_PeerInfo__Output } from '../../g2g/v1/PeerInfo';

export interface PeersResponse {
  /**
   * Nearest first.
   */
  'groups'?: (_g2g_v1_LatencyGroupInfo)[];
  'peers'?: (_g2g_v1_PeerInfo)[];
  /**
   * The current virtual query list: far, near, second far, second near, ...
   */
  'queryOrder'?: (string)[];
}

export interface PeersResponse__Output {
  /**
   * Nearest first.
   */
  'groups': (_g2g_v1_LatencyGroupInfo__Output)[];
  'peers': (_g2g_v1_PeerInfo__Output)[];
  /**
   * The current virtual query list: far, near, second far, second near, ...
   */
  'queryOrder': (string)[];
}
