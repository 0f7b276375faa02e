// Original file: proto/g2g/v1/gossip.proto

import type { MemberState as _g2g_v1_MemberState, MemberState__Output as _g2g_v1_MemberState__Output } from '../../g2g/v1/MemberState';
import type { Long } from '@grpc/proto-loader';

/**
 * "`from` holds `node_id` at `version` to be suspect/dead". Not signed: any member may accuse
 * any other (as in SWIM); the accused refutes by publishing a newer version of its own record.
 */
export interface MemberClaim {
  'nodeId'?: (string);
  'version'?: (number | string | Long);
  /**
   * MEMBER_STATE_SUSPECT or MEMBER_STATE_DEAD.
   */
  'state'?: (_g2g_v1_MemberState);
  'from'?: (string);
}

/**
 * "`from` holds `node_id` at `version` to be suspect/dead". Not signed: any member may accuse
 * any other (as in SWIM); the accused refutes by publishing a newer version of its own record.
 */
export interface MemberClaim__Output {
  'nodeId': (string);
  'version': (number);
  /**
   * MEMBER_STATE_SUSPECT or MEMBER_STATE_DEAD.
   */
  'state': (_g2g_v1_MemberState__Output);
  'from': (string);
}
