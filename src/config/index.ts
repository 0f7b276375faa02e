export { explainConfig, loadConfig, type ConfigOrigin, type ConfigSources, type ExplainedConfig } from './load-config';
export { configFlags, configText, describeConfig, printableConfig, type ConfigFlag } from './describe';
export { configSchema, PROFILES, type ConfigKey, type G2gConfig, type NodeMode, type ProfileName } from './schema';
export { profiles, profileChannelOptions, profileMembershipOptions, type ProfileOverrides, type ProfilePreset } from './profiles';
export { formatDuration, parseDuration } from './formats';
