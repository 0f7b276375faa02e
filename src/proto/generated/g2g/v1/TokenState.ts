// Original file: proto/g2g/v1/register.proto

export const TokenState = {
  TOKEN_STATE_UNSPECIFIED: 'TOKEN_STATE_UNSPECIFIED',
  TOKEN_STATE_ACTIVE: 'TOKEN_STATE_ACTIVE',
  TOKEN_STATE_REVOKED: 'TOKEN_STATE_REVOKED',
  /**
   * A single-use token that has admitted its newcomer.
   */
  TOKEN_STATE_USED: 'TOKEN_STATE_USED',
  /**
   * Derived at read time, never stored or synced: an active token past its expiry.
   */
  TOKEN_STATE_EXPIRED: 'TOKEN_STATE_EXPIRED',
} as const;

export type TokenState =
  | 'TOKEN_STATE_UNSPECIFIED'
  | 0
  | 'TOKEN_STATE_ACTIVE'
  | 1
  | 'TOKEN_STATE_REVOKED'
  | 2
  /**
   * A single-use token that has admitted its newcomer.
   */
  | 'TOKEN_STATE_USED'
  | 3
  /**
   * Derived at read time, never stored or synced: an active token past its expiry.
   */
  | 'TOKEN_STATE_EXPIRED'
  | 4

export type TokenState__Output = typeof TokenState[keyof typeof TokenState]
