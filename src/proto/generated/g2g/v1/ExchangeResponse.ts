// Original file: proto/g2g/v1/gossip.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';
import type { Heartbeat as _g2g_v1_Heartbeat, Heartbeat__Output as _g2g_v1_Heartbeat__Output } from '../../g2g/v1/Heartbeat';
import type { MemberClaim as _g2g_v1_MemberClaim, MemberClaim__Output as _g2g_v1_MemberClaim__Output } from '../../g2g/v1/MemberClaim';
import type { Removal as _g2g_v1_Removal, Removal__Output as _g2g_v1_Removal__Output } from '../../g2g/v1/Removal';

export interface ExchangeResponse {
  /**
   * Records the caller lacks or holds at an older version, plus rumours and a small sample.
   */
  'records'?: (_g2g_v1_NodeRecord)[];
  'heartbeats'?: (_g2g_v1_Heartbeat)[];
  'claims'?: (_g2g_v1_MemberClaim)[];
  /**
   * Node ids whose full records the callee wants (it lacks them or holds an older version):
   * the caller sends them in a follow-up.
   */
  'wants'?: (string)[];
  /**
   * Node ids whose newer heartbeat (same version) the callee wants in the follow-up.
   */
  'wantHeartbeats'?: (string)[];
  /**
   * Records the callee spreads as rumours (news), as opposed to `records` (anti-entropy).
   */
  'rumours'?: (_g2g_v1_NodeRecord)[];
  /**
   * Removals: rumours, and those of members the caller's digests still list.
   */
  'removals'?: (_g2g_v1_Removal)[];
}

export interface ExchangeResponse__Output {
  /**
   * Records the caller lacks or holds at an older version, plus rumours and a small sample.
   */
  'records': (_g2g_v1_NodeRecord__Output)[];
  'heartbeats': (_g2g_v1_Heartbeat__Output)[];
  'claims': (_g2g_v1_MemberClaim__Output)[];
  /**
   * Node ids whose full records the callee wants (it lacks them or holds an older version):
   * the caller sends them in a follow-up.
   */
  'wants': (string)[];
  /**
   * Node ids whose newer heartbeat (same version) the callee wants in the follow-up.
   */
  'wantHeartbeats': (string)[];
  /**
   * Records the callee spreads as rumours (news), as opposed to `records` (anti-entropy).
   */
  'rumours': (_g2g_v1_NodeRecord__Output)[];
  /**
   * Removals: rumours, and those of members the caller's digests still list.
   */
  'removals': (_g2g_v1_Removal__Output)[];
}
