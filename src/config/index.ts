export { explainConfig, loadConfig, type ConfigSources } from './load-config';
export { configFlags, configText, describeConfig, printableConfig } from './describe';
export { configSchema, PROFILES, type G2gConfig } from './schema';
export { formatDuration, parseDuration } from './formats';
