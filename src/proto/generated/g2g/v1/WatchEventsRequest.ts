// Original file: proto/g2g/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchEventsRequest {
  /**
   * Send backlog events with a larger seq only (0: the whole backlog).
   */
  'afterSeq'?: (number | string | Long);
  /**
   * New events only, no backlog.
   */
  'noBacklog'?: (boolean);
}

export interface WatchEventsRequest__Output {
  /**
   * Send backlog events with a larger seq only (0: the whole backlog).
   */
  'afterSeq': (number);
  /**
   * New events only, no backlog.
   */
  'noBacklog': (boolean);
}
