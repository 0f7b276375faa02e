// Original file: proto/g2g/v1/register.proto

import type { JoinHello as _g2g_v1_JoinHello, JoinHello__Output as _g2g_v1_JoinHello__Output } from '../../g2g/v1/JoinHello';
import type { JoinProof as _g2g_v1_JoinProof, JoinProof__Output as _g2g_v1_JoinProof__Output } from '../../g2g/v1/JoinProof';
import type { JoinWelcome as _g2g_v1_JoinWelcome, JoinWelcome__Output as _g2g_v1_JoinWelcome__Output } from '../../g2g/v1/JoinWelcome';

/**
 * One step of the join handshake.
 */
export interface JoinMessage {
  'hello'?: (_g2g_v1_JoinHello | null);
  'serverProof'?: (_g2g_v1_JoinProof | null);
  'clientProof'?: (_g2g_v1_JoinProof | null);
  'welcome'?: (_g2g_v1_JoinWelcome | null);
  'step'?: "hello"|"serverProof"|"clientProof"|"welcome";
}

/**
 * One step of the join handshake.
 */
export interface JoinMessage__Output {
  'hello'?: (_g2g_v1_JoinHello__Output | null);
  'serverProof'?: (_g2g_v1_JoinProof__Output | null);
  'clientProof'?: (_g2g_v1_JoinProof__Output | null);
  'welcome'?: (_g2g_v1_JoinWelcome__Output | null);
  'step'?: "hello"|"serverProof"|"clientProof"|"welcome";
}
