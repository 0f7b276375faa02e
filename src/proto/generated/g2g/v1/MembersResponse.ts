// Original file: proto/g2g/v1/admin.proto

import type { MemberInfo as _g2g_v1_MemberInfo, MemberInfo__Output as _g2g_v1_MemberInfo__Output } from '../../g2g/v1/MemberInfo';

export interface MembersResponse {
  'self'?: (_g2g_v1_MemberInfo | null);
  'members'?: (_g2g_v1_MemberInfo)[];
}

export interface MembersResponse__Output {
  'self': (_g2g_v1_MemberInfo__Output | null);
  'members': (_g2g_v1_MemberInfo__Output)[];
}
