// Original file: proto/g2g/v1/node.proto

/**
 * How a member sees a peer.
 */
export const MemberState = {
  MEMBER_STATE_UNSPECIFIED: 'MEMBER_STATE_UNSPECIFIED',
  MEMBER_STATE_ALIVE: 'MEMBER_STATE_ALIVE',
  /**
   * Missed its heartbeat limit and failed direct and indirect checks; may refute.
   */
  MEMBER_STATE_SUSPECT: 'MEMBER_STATE_SUSPECT',
  /**
   * Not refuted within the suspicion time.
   */
  MEMBER_STATE_DEAD: 'MEMBER_STATE_DEAD',
  /**
   * Left gracefully (its own signed record says so).
   */
  MEMBER_STATE_LEFT: 'MEMBER_STATE_LEFT',
} as const;

/**
 * How a member sees a peer.
 */
export type MemberState =
  | 'MEMBER_STATE_UNSPECIFIED'
  | 0
  | 'MEMBER_STATE_ALIVE'
  | 1
  /**
   * Missed its heartbeat limit and failed direct and indirect checks; may refute.
   */
  | 'MEMBER_STATE_SUSPECT'
  | 2
  /**
   * Not refuted within the suspicion time.
   */
  | 'MEMBER_STATE_DEAD'
  | 3
  /**
   * Left gracefully (its own signed record says so).
   */
  | 'MEMBER_STATE_LEFT'
  | 4

/**
 * How a member sees a peer.
 */
export type MemberState__Output = typeof MemberState[keyof typeof MemberState]
