// Original file: proto/g2g/v1/gossip.proto

import type { NodeRecord as _g2g_v1_NodeRecord, NodeRecord__Output as _g2g_v1_NodeRecord__Output } from '../../g2g/v1/NodeRecord';
import type { RecordDigest as _g2g_v1_RecordDigest, RecordDigest__Output as _g2g_v1_RecordDigest__Output } from '../../g2g/v1/RecordDigest';
import type { Heartbeat as _g2g_v1_Heartbeat, Heartbeat__Output as _g2g_v1_Heartbeat__Output } from '../../g2g/v1/Heartbeat';
import type { MemberClaim as _g2g_v1_MemberClaim, MemberClaim__Output as _g2g_v1_MemberClaim__Output } from '../../g2g/v1/MemberClaim';
import type { Removal as _g2g_v1_Removal, Removal__Output as _g2g_v1_Removal__Output } from '../../g2g/v1/Removal';

export interface ExchangeRequest {
  /**
   * The caller's own current record; absent when `sender_beat` stands for it (see there).
   */
  'sender'?: (_g2g_v1_NodeRecord | null);
  /**
   * Full records: rumours, and (in a follow-up) the records the callee asked for.
   */
  'records'?: (_g2g_v1_NodeRecord)[];
  /**
   * Digests of (part of) the caller's table; always includes the callee's own entry.
   */
  'digests'?: (_g2g_v1_RecordDigest)[];
  /**
   * Heartbeat advances (rumours and follow-up answers).
   */
  'heartbeats'?: (_g2g_v1_Heartbeat)[];
  'claims'?: (_g2g_v1_MemberClaim)[];
  /**
   * True when `digests` lists the caller's whole table, so that absent ids are unknown to it.
   */
  'digestsComplete'?: (boolean);
  /**
   * A follow-up carrying what the callee asked for; it expects an empty answer.
   */
  'followUp'?: (boolean);
  /**
   * Digests of records the caller spreads as rumours (news: a new member, a version bump). The
   * callee asks for those it lacks (wants) and relays them; records it merely learns about
   * through anti-entropy are not news and are not relayed.
   */
  'rumourDigests'?: (_g2g_v1_RecordDigest)[];
  /**
   * The caller is joining (its first exchanges): the callee announces it to the network as a
   * new member. Otherwise a caller the callee did not know is not news (bounded tables).
   */
  'joining'?: (boolean);
  /**
   * Removals of members (rumours), and in a follow-up the removals of members the callee offered.
   */
  'removals'?: (_g2g_v1_Removal)[];
  /**
   * Instead of `sender`, when the caller believes the callee holds its current version (an
   * earlier exchange delivered it): the caller's signed heartbeat of that version (a record with
   * its CA certificate is ~25 times larger). A callee that does not hold that version lists the
   * caller in `wants`, and gets the record in the follow-up.
   */
  'senderBeat'?: (_g2g_v1_Heartbeat | null);
}

export interface ExchangeRequest__Output {
  /**
   * The caller's own current record; absent when `sender_beat` stands for it (see there).
   */
  'sender': (_g2g_v1_NodeRecord__Output | null);
  /**
   * Full records: rumours, and (in a follow-up) the records the callee asked for.
   */
  'records': (_g2g_v1_NodeRecord__Output)[];
  /**
   * Digests of (part of) the caller's table; always includes the callee's own entry.
   */
  'digests': (_g2g_v1_RecordDigest__Output)[];
  /**
   * Heartbeat advances (rumours and follow-up answers).
   */
  'heartbeats': (_g2g_v1_Heartbeat__Output)[];
  'claims': (_g2g_v1_MemberClaim__Output)[];
  /**
   * True when `digests` lists the caller's whole table, so that absent ids are unknown to it.
   */
  'digestsComplete': (boolean);
  /**
   * A follow-up carrying what the callee asked for; it expects an empty answer.
   */
  'followUp': (boolean);
  /**
   * Digests of records the caller spreads as rumours (news: a new member, a version bump). The
   * callee asks for those it lacks (wants) and relays them; records it merely learns about
   * through anti-entropy are not news and are not relayed.
   */
  'rumourDigests': (_g2g_v1_RecordDigest__Output)[];
  /**
   * The caller is joining (its first exchanges): the callee announces it to the network as a
   * new member. Otherwise a caller the callee did not know is not news (bounded tables).
   */
  'joining': (boolean);
  /**
   * Removals of members (rumours), and in a follow-up the removals of members the callee offered.
   */
  'removals': (_g2g_v1_Removal__Output)[];
  /**
   * Instead of `sender`, when the caller believes the callee holds its current version (an
   * earlier exchange delivered it): the caller's signed heartbeat of that version (a record with
   * its CA certificate is ~25 times larger). A callee that does not hold that version lists the
   * caller in `wants`, and gets the record in the follow-up.
   */
  'senderBeat': (_g2g_v1_Heartbeat__Output | null);
}
