// Original file: proto/g2g/v1/admin.proto

import type { PluginInfo as _g2g_v1_PluginInfo, PluginInfo__Output as _g2g_v1_PluginInfo__Output } from '../../g2g/v1/PluginInfo';

export interface PluginsResponse {
  /**
   * In discovery order (start order).
   */
  'plugins'?: (_g2g_v1_PluginInfo)[];
}

export interface PluginsResponse__Output {
  /**
   * In discovery order (start order).
   */
  'plugins': (_g2g_v1_PluginInfo__Output)[];
}
