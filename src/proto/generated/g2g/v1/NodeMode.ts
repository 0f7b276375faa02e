// Original file: proto/g2g/v1/node.proto

/**
 * Whether a member serves the gossip port to others (server) or only calls it (client).
 */
export const NodeMode = {
  NODE_MODE_UNSPECIFIED: 'NODE_MODE_UNSPECIFIED',
  NODE_MODE_SERVER: 'NODE_MODE_SERVER',
  NODE_MODE_CLIENT: 'NODE_MODE_CLIENT',
} as const;

/**
 * Whether a member serves the gossip port to others (server) or only calls it (client).
 */
export type NodeMode =
  | 'NODE_MODE_UNSPECIFIED'
  | 0
  | 'NODE_MODE_SERVER'
  | 1
  | 'NODE_MODE_CLIENT'
  | 2

/**
 * Whether a member serves the gossip port to others (server) or only calls it (client).
 */
export type NodeMode__Output = typeof NodeMode[keyof typeof NodeMode]
