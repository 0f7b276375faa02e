// Original file: proto/g2g/v1/channel.proto

import type { ChannelOriginDigest as _g2g_v1_ChannelOriginDigest, ChannelOriginDigest__Output as _g2g_v1_ChannelOriginDigest__Output } from '../../g2g/v1/ChannelOriginDigest';

export interface ChannelPullRequest {
  'origins'?: (_g2g_v1_ChannelOriginDigest)[];
  /**
   * True when `origins` lists every origin the caller knows, so the callee also sends what it
   * retains of origins absent from the list.
   */
  'complete'?: (boolean);
}

export interface ChannelPullRequest__Output {
  'origins': (_g2g_v1_ChannelOriginDigest__Output)[];
  /**
   * True when `origins` lists every origin the caller knows, so the callee also sends what it
   * retains of origins absent from the list.
   */
  'complete': (boolean);
}
