// Original file: proto/g2g/v1/channel.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One message as it travels, signed by its origin.
 */
export interface ChannelEnvelope {
  /**
   * The publishing member's node id.
   */
  'origin'?: (string);
  /**
   * The origin's run: a restart starts a new epoch (higher), whose seq starts at 1 again.
   */
  'epoch'?: (number | string | Long);
  /**
   * Per (origin, epoch): 1, 2, 3, … with no gaps.
   */
  'seq'?: (number | string | Long);
  /**
   * Full topic, `<plugin>/<rest>`: segments separated by '/', none empty.
   */
  'topic'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  /**
   * The origin's clock when it published (informational).
   */
  'publishedAtUnixMs'?: (number | string | Long);
  /**
   * The origin's node CA signature (RSA PKCS#1 v1.5, SHA-256) over the canonical bytes of
   * fields 1–6 (src/channel/message.ts), not over this encoding.
   */
  'signature'?: (Buffer | Uint8Array | string);
}

/**
 * One message as it travels, signed by its origin.
 */
export interface ChannelEnvelope__Output {
  /**
   * The publishing member's node id.
   */
  'origin': (string);
  /**
   * The origin's run: a restart starts a new epoch (higher), whose seq starts at 1 again.
   */
  'epoch': (number);
  /**
   * Per (origin, epoch): 1, 2, 3, … with no gaps.
   */
  'seq': (number);
  /**
   * Full topic, `<plugin>/<rest>`: segments separated by '/', none empty.
   */
  'topic': (string);
  'data': (Buffer);
  /**
   * The origin's clock when it published (informational).
   */
  'publishedAtUnixMs': (number);
  /**
   * The origin's node CA signature (RSA PKCS#1 v1.5, SHA-256) over the canonical bytes of
   * fields 1–6 (src/channel/message.ts), not over this encoding.
   */
  'signature': (Buffer);
}
