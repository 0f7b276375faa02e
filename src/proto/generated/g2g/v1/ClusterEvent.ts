// Original file: proto/g2g/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One thing that happened, as the observing node saw it.
 */
export interface ClusterEvent {
  /**
   * Position in the observing node's journal (1, 2, ...).
   */
  'seq'?: (number | string | Long);
  'atUnixMs'?: (number | string | Long);
  /**
   * member_joined, member_updated, member_suspect, member_alive (alive again), member_dead,
   * member_left, member_removed, leaf_rotated, ca_rotation_started, ca_rotation_switched,
   * ca_rotation_retired, join_admitted, join_refused. New types may be added: show unknown ones.
   */
  'type'?: (string);
  /**
   * Whom it is about (a member, or the observer for its own rotations); empty when unknown.
   */
  'nodeId'?: (string);
  /**
   * Who saw it.
   */
  'observer'?: (string);
  /**
   * The member's state after the change (member_* events): alive, suspect, dead, left, removed.
   */
  'state'?: (string);
  /**
   * server or client (member_* events).
   */
  'mode'?: (string);
  'addresses'?: (string)[];
  /**
   * For suspect and dead: who accused the member first.
   */
  'by'?: (string);
  /**
   * The leaf expiry the member's record (or the observer's new leaf) carries; 0 if none.
   */
  'leafNotAfterUnixMs'?: (number | string | Long);
  /**
   * For join_refused: the refusal's error code (ERR_...).
   */
  'code'?: (string);
  /**
   * A few more plain words (the handshake and the caller's address; a fingerprint).
   */
  'detail'?: (string);
}

/**
 * One thing that happened, as the observing node saw it.
 */
export interface ClusterEvent__Output {
  /**
   * Position in the observing node's journal (1, 2, ...).
   */
  'seq': (number);
  'atUnixMs': (number);
  /**
   * member_joined, member_updated, member_suspect, member_alive (alive again), member_dead,
   * member_left, member_removed, leaf_rotated, ca_rotation_started, ca_rotation_switched,
   * ca_rotation_retired, join_admitted, join_refused. New types may be added: show unknown ones.
   */
  'type': (string);
  /**
   * Whom it is about (a member, or the observer for its own rotations); empty when unknown.
   */
  'nodeId': (string);
  /**
   * Who saw it.
   */
  'observer': (string);
  /**
   * The member's state after the change (member_* events): alive, suspect, dead, left, removed.
   */
  'state': (string);
  /**
   * server or client (member_* events).
   */
  'mode': (string);
  'addresses': (string)[];
  /**
   * For suspect and dead: who accused the member first.
   */
  'by': (string);
  /**
   * The leaf expiry the member's record (or the observer's new leaf) carries; 0 if none.
   */
  'leafNotAfterUnixMs': (number);
  /**
   * For join_refused: the refusal's error code (ERR_...).
   */
  'code': (string);
  /**
   * A few more plain words (the handshake and the caller's address; a fingerprint).
   */
  'detail': (string);
}
