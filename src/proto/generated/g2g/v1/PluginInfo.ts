// Original file: proto/g2g/v1/admin.proto


/**
 * One plugin as this node sees it.
 */
export interface PluginInfo {
  'name'?: (string);
  'version'?: (string);
  'description'?: (string);
  /**
   * The plugin folder.
   */
  'directory'?: (string);
  /**
   * disabled, invalid, loaded, registered, starting, running, failed, stopping or stopped.
   */
  'state'?: (string);
  /**
   * Fully-qualified services on the gossip port (the declared ones while not registered).
   */
  'services'?: (string)[];
  /**
   * "<code>: <message>" of the last problem (validation, construct, register, start, stop), or empty.
   */
  'error'?: (string);
}

/**
 * One plugin as this node sees it.
 */
export interface PluginInfo__Output {
  'name': (string);
  'version': (string);
  'description': (string);
  /**
   * The plugin folder.
   */
  'directory': (string);
  /**
   * disabled, invalid, loaded, registered, starting, running, failed, stopping or stopped.
   */
  'state': (string);
  /**
   * Fully-qualified services on the gossip port (the declared ones while not registered).
   */
  'services': (string)[];
  /**
   * "<code>: <message>" of the last problem (validation, construct, register, start, stop), or empty.
   */
  'error': (string);
}
