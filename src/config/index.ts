export { loadConfig, type ConfigSources } from './load-config';
export { configFlags, describeConfig, printableConfig, type ConfigFlag } from './describe';
export { configSchema, PROFILES, type ConfigKey, type G2gConfig, type NodeMode, type ProfileName } from './schema';
export { profiles, type ProfileOverrides } from './profiles';
export { formatDuration, parseDuration } from './formats';
