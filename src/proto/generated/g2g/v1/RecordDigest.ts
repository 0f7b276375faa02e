// Original file: proto/g2g/v1/gossip.proto

import type { MemberState as _g2g_v1_MemberState, MemberState__Output as _g2g_v1_MemberState__Output } from '../../g2g/v1/MemberState';
import type { Long } from '@grpc/proto-loader';

/**
 * What a member knows of one peer, without the record itself.
 */
export interface RecordDigest {
  'nodeId'?: (string);
  'version'?: (number | string | Long);
  'heartbeat'?: (number | string | Long);
  'state'?: (_g2g_v1_MemberState);
}

/**
 * What a member knows of one peer, without the record itself.
 */
export interface RecordDigest__Output {
  'nodeId': (string);
  'version': (number);
  'heartbeat': (number);
  'state': (_g2g_v1_MemberState__Output);
}
