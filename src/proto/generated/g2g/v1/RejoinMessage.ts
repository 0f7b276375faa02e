// Original file: proto/g2g/v1/register.proto

import type { RejoinHello as _g2g_v1_RejoinHello, RejoinHello__Output as _g2g_v1_RejoinHello__Output } from '../../g2g/v1/RejoinHello';
import type { RejoinChallenge as _g2g_v1_RejoinChallenge, RejoinChallenge__Output as _g2g_v1_RejoinChallenge__Output } from '../../g2g/v1/RejoinChallenge';
import type { RejoinProof as _g2g_v1_RejoinProof, RejoinProof__Output as _g2g_v1_RejoinProof__Output } from '../../g2g/v1/RejoinProof';
import type { RejoinWelcome as _g2g_v1_RejoinWelcome, RejoinWelcome__Output as _g2g_v1_RejoinWelcome__Output } from '../../g2g/v1/RejoinWelcome';

/**
 * One step of the rejoin handshake (Register.Rejoin).
 */
export interface RejoinMessage {
  'hello'?: (_g2g_v1_RejoinHello | null);
  'challenge'?: (_g2g_v1_RejoinChallenge | null);
  'proof'?: (_g2g_v1_RejoinProof | null);
  'welcome'?: (_g2g_v1_RejoinWelcome | null);
  'step'?: "hello"|"challenge"|"proof"|"welcome";
}

/**
 * One step of the rejoin handshake (Register.Rejoin).
 */
export interface RejoinMessage__Output {
  'hello'?: (_g2g_v1_RejoinHello__Output | null);
  'challenge'?: (_g2g_v1_RejoinChallenge__Output | null);
  'proof'?: (_g2g_v1_RejoinProof__Output | null);
  'welcome'?: (_g2g_v1_RejoinWelcome__Output | null);
  'step'?: "hello"|"challenge"|"proof"|"welcome";
}
