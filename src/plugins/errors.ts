import { G2gError } from '../errors';

/**
 * Errors of the plugin host. Each names the plugin (or the folder, when the manifest is too
 * broken to name it) and has a stable code. Validation errors are raised before any plugin code
 * runs; lifecycle errors wrap what a plugin threw.
 */
export abstract class PluginError extends G2gError {
  constructor(
    /** The plugin's name, or its folder when the manifest gives no usable name. */
    readonly plugin: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin ${plugin}: ${message}`, options);
  }
}

/** `g2g-plugin.json` is unreadable, not JSON, or breaks the manifest schema. */
export class PluginManifestError extends PluginError {
  readonly code = 'ERR_PLUGIN_MANIFEST';
}

/** A file the manifest names (entry module, proto) does not exist. */
export class PluginFileMissingError extends PluginError {
  readonly code = 'ERR_PLUGIN_FILE_MISSING';
}

/** The manifest's `host` range does not include this g2g version. */
export class PluginHostVersionError extends PluginError {
  readonly code = 'ERR_PLUGIN_HOST_VERSION';
}

/** Two plugin folders declare the same name. */
export class PluginDuplicateNameError extends PluginError {
  readonly code = 'ERR_PLUGIN_DUPLICATE_NAME';
}

/** A fully-qualified service is declared by two plugins, or by a plugin and the host. */
export class PluginDuplicateServiceError extends PluginError {
  readonly code = 'ERR_PLUGIN_DUPLICATE_SERVICE';
}

/**
 * Two plugins (or a plugin and the host) define the same proto file name or fully-qualified type
 * with different content: reflection could then hand a client the wrong descriptor.
 */
export class PluginProtoClashError extends PluginError {
  readonly code = 'ERR_PLUGIN_PROTO_CLASH';
}

/** A proto file of the plugin does not parse (or an import cannot be resolved). */
export class PluginProtoError extends PluginError {
  readonly code = 'ERR_PLUGIN_PROTO';
}

/** A service the manifest lists is not defined by the plugin's protos. */
export class PluginServiceUndefinedError extends PluginError {
  readonly code = 'ERR_PLUGIN_SERVICE_UNDEFINED';
}

/** The plugin's config section (file, env or flags) does not satisfy its schema. */
export class PluginConfigError extends PluginError {
  readonly code = 'ERR_PLUGIN_CONFIG';
}

/** `plugins.enabled` names a plugin that was not found in any plugin directory. */
export class PluginNotFoundError extends PluginError {
  readonly code = 'ERR_PLUGIN_NOT_FOUND';
}

/** The entry module could not be loaded or has no default-exported class. */
export class PluginLoadError extends PluginError {
  readonly code = 'ERR_PLUGIN_LOAD';
}

export type PluginPhase = 'construct' | 'register' | 'start' | 'stop';

/** The plugin threw (or rejected) in its constructor, `register`, `start` or `stop`. */
export class PluginLifecycleError extends PluginError {
  readonly code = 'ERR_PLUGIN_LIFECYCLE';
  constructor(plugin: string, readonly phase: PluginPhase, cause: unknown) {
    super(plugin, `${phase} failed: ${describe(cause)}`, { cause });
  }
}

/** The plugin's `register`, `start` or `stop` did not finish within its time bound. */
export class PluginTimeoutError extends PluginError {
  readonly code = 'ERR_PLUGIN_TIMEOUT';
  constructor(plugin: string, readonly phase: PluginPhase, timeoutMs: number) {
    super(plugin, `${phase} did not finish within ${timeoutMs} ms`);
  }
}

/** In `register`, the plugin added a service it did not declare, or added one twice. */
export class PluginRegisterError extends PluginError {
  readonly code = 'ERR_PLUGIN_REGISTER';
}

/** A topic handed to the plugin's channel is empty or malformed. */
export class PluginTopicError extends PluginError {
  readonly code = 'ERR_PLUGIN_TOPIC';
}

/** One line for a thrown value, without a stack. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
}
