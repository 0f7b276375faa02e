import type { NodeMode__Output } from '../proto/generated/g2g/v1/NodeMode';

/** A node's (or a token's) mode as g2g.v1.NodeMode: the one mapping between the two spellings. */
export function modeToWire(mode: 'server' | 'client'): 'NODE_MODE_SERVER' | 'NODE_MODE_CLIENT' {
  return mode === 'server' ? 'NODE_MODE_SERVER' : 'NODE_MODE_CLIENT';
}

/** undefined for UNSPECIFIED or anything unknown (the numbers are the enum's, for messages decoded without enum names). */
export function modeFromWire(mode: NodeMode__Output | string | number | undefined): 'server' | 'client' | undefined {
  if (mode === 'NODE_MODE_SERVER' || mode === 1) return 'server';
  if (mode === 'NODE_MODE_CLIENT' || mode === 2) return 'client';
  return undefined;
}
