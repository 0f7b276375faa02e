/**
 * The g2g package's public surface for plugin authors (`import type { PluginContext } from 'g2g'`):
 * the plugin contract, the injection tokens of a plugin's container, and the error codes the host
 * reports. The testing kit is `g2g/testing` (src/plugins/testing.ts).
 */
export type * from './contract';
export type { Caller } from '../transport/caller-identity';
export type { Clock, TimerHandle } from '../util/clock';
export type { Logger } from '../log/logger';
// What the shipped plugins need beyond the contract, so that they too import only the package:
// the coded error base, injected randomness, crash-safe file writes and the host's version.
export { G2gError } from '../errors';
export { systemRandom, type Random } from '../util/random';
export { writeFileAtomic, type WriteFileAtomicOptions } from '../identity/atomic-file';
export { VERSION } from '../version';
export { PluginTokens } from './tokens';
export {
  PluginError,
  PluginManifestError,
  PluginFileMissingError,
  PluginHostVersionError,
  PluginDuplicateNameError,
  PluginDuplicateServiceError,
  PluginProtoClashError,
  PluginProtoError,
  PluginServiceUndefinedError,
  PluginConfigError,
  PluginNotFoundError,
  PluginLoadError,
  PluginLifecycleError,
  PluginTimeoutError,
  PluginRegisterError,
  PluginTopicError,
} from './errors';
export { MANIFEST_FILE } from './manifest';
// The node's gRPC edge, for a plugin's own handlers and calls: a G2gError subclass with a
// `status` answers with that status and its code, as the node's own services do.
export { CallTimeoutError, PeerUnavailableError, RemoteCallError, ERROR_CODE_TRAILER } from '../transport/call-errors';
export { unaryHandler, serverStreamHandler, failStream } from '../transport/call-handlers';
export { unaryCall, type UnaryCallOptions, type UnaryMethodOf, type RequestOf, type ResponseOf } from '../transport/unary-call';
export type { PluginPhase } from './errors';
