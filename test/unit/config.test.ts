import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors';
import { defaultNodeName } from '../../src/config/node-tags';
import {
  configFlags, configSchema, describeConfig, formatDuration, loadConfig, parseDuration, printableConfig, PROFILES,
  type ConfigSources, type G2gConfig,
} from '../../src/config';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'g2g-config-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
/** Writes `content` (an object is JSON-encoded) to a fresh file in the temp dir; returns its path. */
function configFile(content: unknown): string {
  const file = path.join(tmp, `config-${++fileCount}.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function load(sources: ConfigSources = {}): G2gConfig {
  return loadConfig({ env: {}, flags: {}, cwd: tmp, ...sources });
}

/** The problems of the ConfigError that loading must throw. */
function problemsOf(sources: ConfigSources): string[] {
  try {
    load(sources);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_CONFIG');
    for (const p of err.problems) assert.ok(err.message.includes(p), 'the message lists every problem');
    return err.problems;
  }
  return assert.fail('expected loadConfig to throw a ConfigError');
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('defaults and profiles', () => {
  test('empty env and flags give the schema defaults', () => {
    assert.deepEqual(load(), {
      profile: 'lan',
      configFile: '',
      dataDir: path.join(os.homedir(), '.g2g'),
      cluster: 'default',
      nodeName: defaultNodeName(),
      tags: [],
      mode: 'server',
      host: '0.0.0.0',
      registerPort: 7400,
      gossipPort: 7401,
      advertise: [],
      advertiseGossipPort: null,
      healthPort: null,
      healthHost: '127.0.0.1',
      metricsPort: null,
      metricsHost: '127.0.0.1',
      eventBacklog: 1000,
      operatorCertMaxLifetime: DAY,
      logLevel: 'info',
      logFormat: 'auto',
      leafLifetime: HOUR,
      leafRenewFraction: 0.5,
      leafRenewJitter: 0.1,
      caLifetime: 3650 * DAY,
      caRotationGrace: HOUR,
      caRejoin: 'proof',
      maxConnectionAge: 15 * MINUTE,
      drainTimeout: 10 * SECOND,
      stayAfterRemoval: false,
      join: '',
      token: '',
      services: [],
      serviceJoinInterval: 30 * SECOND,
      serviceJoinJitter: 0.2,
      pluginsDir: [],
      pluginsEnabled: [],
      pluginsDisabled: [],
      pluginsFailOnError: false,
      pluginsStartTimeout: 30 * SECOND,
      pluginsStopTimeout: 5 * SECOND,
      plugins: { file: {}, env: {}, flags: {} },
      channelMaxMessageBytes: 256 * 1024,
      channelFanout: 0,
      channelQueueMessages: 1024,
      channelRetention: 10 * MINUTE,
      channelRetentionMessages: 10_000,
      channelRetentionBytes: 64 * 1024 * 1024,
      connectionBudget: 0,
      registerConnectionsPerSource: 64,
      gossipConnectionsPerSource: 512,
      unusedConnectionTimeout: 10 * SECOND,
      registerIdleTimeout: 30 * SECOND,
      gossipIdleTimeout: 5 * MINUTE,
      registerStreamsPerConnection: 16,
      gossipStreamsPerConnection: 1000,
      healthWatchStreams: 64,
      healthWatchStreamsPerSource: 8,
      joinHandshakes: 64,
      joinHandshakesPerSource: 4,
      joinHelloTimeout: 3 * SECOND,
      joinFailureBudget: 120,
      joinRetryTime: MINUTE,
      gossipInterval: 1000,
      gossipProbeTimeout: 300,
      gossipSuspicionMult: 4,
      gossipPushPullInterval: 30_000,
      gossipMaxPeers: 4096,
      gossipLhaMaxMultiplier: 8,
    });
  });

  test('profile local binds loopback and shortens the timers', () => {
    for (const sources of [{ flags: { profile: 'local' } }, { env: { G2G_PROFILE: 'local' } }]) {
      const c = load(sources);
      assert.equal(c.profile, 'local');
      assert.equal(c.host, '127.0.0.1');
      assert.equal(c.leafLifetime, 2 * MINUTE);
      assert.equal(c.maxConnectionAge, 30 * SECOND);
      assert.equal(c.drainTimeout, 2 * SECOND);
      assert.equal(c.gossipPort, 7401, 'keys the profile does not name keep their defaults');
    }
  });

  test('profile wan makes the timers more tolerant', () => {
    const lan = load();
    const wan = load({ env: { G2G_PROFILE: 'wan' } });
    assert.equal(wan.drainTimeout, 30 * SECOND);
    assert.ok(wan.leafLifetime > lan.leafLifetime);
    assert.ok(wan.maxConnectionAge > lan.maxConnectionAge);
    assert.equal(wan.host, '0.0.0.0');
  });

  test('every profile passes validation on its own, also when chosen in the config file', () => {
    for (const profile of PROFILES) {
      assert.equal(load({ flags: { profile } }).profile, profile);
      const viaFile = load({ flags: { config: configFile({ profile }) } });
      assert.equal(viaFile.profile, profile);
      assert.deepEqual({ ...viaFile, configFile: '' }, load({ flags: { profile } }));
    }
  });

  test('precedence: default < profile < file < env < flags', () => {
    const file = configFile({ drainTimeout: '3s' });
    const all = { flags: { profile: 'local', config: file, 'drain-timeout': '5s' }, env: { G2G_DRAIN_TIMEOUT: '4s' } };
    assert.equal(load(all).drainTimeout, 5 * SECOND, 'flag');
    assert.equal(load({ ...all, flags: { profile: 'local', config: file } }).drainTimeout, 4 * SECOND, 'env');
    assert.equal(load({ flags: { profile: 'local', config: file } }).drainTimeout, 3 * SECOND, 'file');
    assert.equal(load({ flags: { profile: 'local' } }).drainTimeout, 2 * SECOND, 'profile');
    assert.equal(load().drainTimeout, 10 * SECOND, 'default');
  });

  test('env and flags are only read from the sources passed in', () => {
    const savedArgv = process.argv;
    process.env.G2G_GOSSIP_PORT = '1111';
    process.argv = [...savedArgv, '--gossip-port=2222'];
    try {
      assert.equal(load().gossipPort, 7401);
      assert.equal(loadConfig({ cwd: tmp }).gossipPort, 7401, 'omitted env means empty, not process.env');
    } finally {
      delete process.env.G2G_GOSSIP_PORT;
      process.argv = savedArgv;
    }
  });
});

describe('value parsing', () => {
  test('durations accept milliseconds and unit strings from every source', () => {
    const c = load({
      flags: { config: configFile({ leafLifetime: '2h', caLifetime: '7d' }), 'drain-timeout': '250ms' },
      env: { G2G_MAX_CONNECTION_AGE: '1m30s' },
    });
    assert.equal(c.leafLifetime, 2 * HOUR);
    assert.equal(c.caLifetime, 7 * DAY);
    assert.equal(c.drainTimeout, 250);
    assert.equal(c.maxConnectionAge, 90 * SECOND);
  });

  test('parseDuration and formatDuration round-trip', () => {
    for (const [text, ms] of [['250ms', 250], ['30s', 30000], ['5m', 300000], ['1h', 3600000], ['7d', 604800000], ['1h30m', 5400000], ['0', 0]] as const) {
      assert.equal(parseDuration(text), ms, text);
    }
    for (const bad of ['', '1.5h', '-1s', '5 m', 'm5', '1w', '99999999999999999999d', '42', '90']) assert.equal(parseDuration(bad), undefined, bad);
    assert.equal(formatDuration(3650 * DAY), '3650d');
    assert.equal(formatDuration(90 * SECOND), '1m30s');
    assert.equal(formatDuration(0), '0s');
  });

  test('lists, optional ports, numbers and paths', () => {
    const c = load({
      env: {
        G2G_ADVERTISE: '10.0.0.5, node-1.example.com',
        G2G_SERVICES: 'g2g.default.svc:7400,[::1]:7400,10.0.0.9:7400',
        G2G_HEALTH_PORT: '0',
        G2G_LEAF_RENEW_FRACTION: '0.6',
        G2G_DATA_DIR: 'rel/dir',
      },
      flags: { 'metrics-port': '9100', 'leaf-renew-jitter': '0' },
    });
    assert.deepEqual(c.advertise, ['10.0.0.5', 'node-1.example.com']);
    assert.deepEqual(c.services, ['g2g.default.svc:7400', '[::1]:7400', '10.0.0.9:7400']);
    assert.equal(c.healthPort, 0);
    assert.equal(c.metricsPort, 9100);
    assert.equal(c.leafRenewFraction, 0.6);
    assert.equal(c.leafRenewJitter, 0);
    assert.equal(c.dataDir, path.join(tmp, 'rel/dir'));

    assert.equal(load({ env: { G2G_HEALTH_PORT: '8080' }, flags: { 'health-port': 'off' } }).healthPort, null);
    assert.equal(load({ flags: { 'data-dir': '~/elsewhere' } }).dataDir, path.join(os.homedir(), 'elsewhere'));
    const fromFile = load({ flags: { config: configFile({ advertise: ['a.example'], healthPort: null, metricsPort: 'off', registerPort: '7500' }) } });
    assert.deepEqual(fromFile.advertise, ['a.example']);
    assert.equal(fromFile.healthPort, null);
    assert.equal(fromFile.metricsPort, null);
    assert.equal(fromFile.registerPort, 7500);
  });

  test('a relative config file is found from cwd and reported as an absolute path', () => {
    const file = configFile({ cluster: 'blue' });
    const c = load({ env: { G2G_CONFIG: path.basename(file) } });
    assert.equal(c.cluster, 'blue');
    assert.equal(c.configFile, file);
  });

  test('an empty config file is an empty set of settings', () => {
    assert.equal(load({ flags: { config: configFile('  \n') } }).cluster, 'default');
  });
});

describe('validation', () => {
  // [key, env var, flag, bad value, words the problem must contain]
  const badValues: Array<[string, string, string, string, string]> = [
    ['gossipPort', 'G2G_GOSSIP_PORT', 'gossip-port', 'abc', 'must be a port 0-65535'],
    ['registerPort', 'G2G_REGISTER_PORT', 'register-port', '70000', 'must be a port 0-65535'],
    ['registerPort', 'G2G_REGISTER_PORT', 'register-port', '-1', 'must be a port 0-65535'],
    ['healthPort', 'G2G_HEALTH_PORT', 'health-port', 'on', 'or "off"'],
    ['mode', 'G2G_MODE', 'mode', 'peer', 'must be one of server, client'],
    ['logLevel', 'G2G_LOG_LEVEL', 'log-level', 'loud', 'must be one of fatal, error'],
    ['profile', 'G2G_PROFILE', 'profile', 'fast', 'must be one of lan, wan, local'],
    ['leafLifetime', 'G2G_LEAF_LIFETIME', 'leaf-lifetime', '5x', 'must be a duration'],
    ['leafLifetime', 'G2G_LEAF_LIFETIME', 'leaf-lifetime', '5s', 'must be at least 10s'],
    ['drainTimeout', 'G2G_DRAIN_TIMEOUT', 'drain-timeout', '30d', 'must be at most'],
    ['leafRenewFraction', 'G2G_LEAF_RENEW_FRACTION', 'leaf-renew-fraction', '0.9', 'greater than 0.1 and less than 0.9'],
    ['leafRenewFraction', 'G2G_LEAF_RENEW_FRACTION', 'leaf-renew-fraction', 'half', 'must be a number'],
    ['leafRenewJitter', 'G2G_LEAF_RENEW_JITTER', 'leaf-renew-jitter', '0.6', 'at least 0 and at most 0.5'],
    ['cluster', 'G2G_CLUSTER', 'cluster', 'Prod_EU', 'lowercase letters, digits and hyphens'],
    ['cluster', 'G2G_CLUSTER', 'cluster', 'x'.repeat(64), 'lowercase letters, digits and hyphens'],
    ['host', 'G2G_HOST', 'host', 'example.com', 'must be an IP address'],
    ['advertise', 'G2G_ADVERTISE', 'advertise', '10.0.0.1,bad_host!', '"bad_host!" is neither'],
    ['services', 'G2G_SERVICES', 'services', 'g2g.svc:7400,g2g.svc', '"g2g.svc" is not'],
    ['services', 'G2G_SERVICES', 'services', 'g2g.svc:0', '"g2g.svc:0" is not'],
    ['dataDir', 'G2G_DATA_DIR', 'data-dir', '', 'not empty'],
  ];

  for (const [key, env, flag, value, words] of badValues) {
    test(`${key} = ${JSON.stringify(value).slice(0, 20)} is rejected from env and from flags`, () => {
      for (const [sources, origin] of [[{ env: { [env]: value } }, 'from the environment'], [{ flags: { [flag]: value } }, 'from the command line']] as const) {
        const problems = problemsOf(sources);
        assert.equal(problems.length, 1, problems.join('\n'));
        const [problem] = problems as [string];
        assert.ok(problem.startsWith(`${key} (${env} / --${flag}): `), problem);
        assert.ok(problem.includes(words), problem);
        assert.ok(problem.includes(`got ${JSON.stringify(value)}`), problem);
        assert.ok(problem.includes(origin), problem);
      }
    });
  }

  test('bad values in the config file name the file', () => {
    const file = configFile({ gossipPort: 'abc', leafLifetime: 1000.5, advertise: 'not,valid!' });
    const problems = problemsOf({ flags: { config: file } });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.every((p) => p.endsWith(`(from config file ${file})`)), problems.join('\n'));
    assert.match(problems.join('\n'), /^gossipPort \(G2G_GOSSIP_PORT \/ --gossip-port\): must be a port 0-65535.*got "abc"/m);
  });

  test('two bad keys are listed in one error', () => {
    const problems = problemsOf({ env: { G2G_GOSSIP_PORT: 'abc' }, flags: { mode: 'peer' } });
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => p.startsWith('gossipPort (G2G_GOSSIP_PORT / --gossip-port)')));
    assert.ok(problems.some((p) => p.startsWith('mode (G2G_MODE / --mode)')));
  });

  test('a bad value is reported even when a higher source overrides it', () => {
    const problems = problemsOf({ env: { G2G_GOSSIP_PORT: 'abc' }, flags: { 'gossip-port': '7000' } });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /gossipPort.*got "abc" \(from the environment\)/);
  });

  test('an unknown profile applies no overrides and is reported', () => {
    const problems = problemsOf({ flags: { profile: 'fast', 'leaf-lifetime': '5s' } });
    assert.equal(problems.length, 2, problems.join('\n'));
  });

  test('unknown keys in the config file are listed, with a suggestion when it is a respelling', () => {
    const file = configFile({ gossipPort: 7000, 'gossip-port': 7000, colour: 'blue', configFile: 'other.json' });
    const problems = problemsOf({ flags: { config: file } });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.ok(problems.includes(`gossip-port: unknown key in config file ${file} (did you mean gossipPort?)`), problems.join('\n'));
    assert.ok(problems.includes(`colour: unknown key in config file ${file}`), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('configFile: cannot be set inside the config file')), problems.join('\n'));
  });

  test('unknown flag names are listed', () => {
    const problems = problemsOf({ flags: { dataDir: '/tmp/x', colour: 'blue', 'gossip-port': undefined } });
    assert.deepEqual(problems, ['--dataDir: not a g2g setting (did you mean --data-dir?)', '--colour: not a g2g setting']);
  });

  test('a malformed config file is a clear problem, listed with the others', () => {
    const file = configFile('{ "gossipPort": 7000, }');
    const problems = problemsOf({ flags: { config: file, mode: 'peer' } });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.ok(problems[0]!.startsWith(`configFile (G2G_CONFIG / --config): ${file} is not valid JSON: `), problems[0]);
  });

  test('a config file that is not an object is a clear problem', () => {
    const problems = problemsOf({ flags: { config: configFile('[1, 2]') } });
    assert.match(problems[0]!, /must hold a JSON object of settings, found an array$/);
  });

  test('a missing config file is a clear problem', () => {
    const missing = path.join(tmp, 'missing.json');
    assert.deepEqual(problemsOf({ env: { G2G_CONFIG: missing } }), [
      `configFile (G2G_CONFIG / --config): cannot read ${missing}: no such file`,
    ]);
  });

  test('maxConnectionAge must end before the old leaf expires', () => {
    // The latest renewal is at 1h × 0.5 × (1 + 0.1) = 33m, leaving 27m: equal to the bound is already too long.
    const problems = problemsOf({ flags: { 'max-connection-age': '27m' } });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^maxConnectionAge \(G2G_MAX_CONNECTION_AGE \/ --max-connection-age\): must be less than leafLifetime × \(1 − leafRenewFraction × \(1 \+ leafRenewJitter\)\) = 1h × \(1 − 0.5 × 1.1\) = 27m, .*got 27m$/);
    assert.equal(load({ flags: { 'max-connection-age': '26m' } }).maxConnectionAge, 26 * MINUTE);
    // The bound moves with the other keys, whichever source sets them.
    assert.equal(problemsOf({ env: { G2G_LEAF_RENEW_FRACTION: '0.8' } }).length, 1, '1h × (1 − 0.88) = 7.2m < 15m');
    assert.equal(problemsOf({ flags: { profile: 'local', 'leaf-lifetime': '1m' } }).length, 1, '1m × 0.45 = 27s, not above 30s');
    assert.equal(load({ flags: { 'leaf-lifetime': '2h', 'max-connection-age': '53m' } }).leafLifetime, 2 * HOUR);
    assert.equal(load({ flags: { 'leaf-renew-jitter': '0', 'max-connection-age': '29m' } }).maxConnectionAge, 29 * MINUTE);
  });

  test('renewal must always precede expiry: leafRenewFraction × (1 + leafRenewJitter) < 1', () => {
    const problems = problemsOf({ flags: { 'leaf-renew-fraction': '0.85', 'leaf-renew-jitter': '0.2' } });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^leafRenewFraction .*must be below 1/);
  });

  test('the cross-key check is listed alongside bad values, and skipped when its inputs are bad', () => {
    const problems = problemsOf({ flags: { 'max-connection-age': '45m', cluster: 'Bad' } });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.deepEqual(problemsOf({ flags: { 'max-connection-age': '45m', 'leaf-renew-fraction': '2' } }).length, 1);
  });

  test('caLifetime must exceed leafLifetime', () => {
    const problems = problemsOf({ flags: { 'ca-lifetime': '1h' } });
    assert.deepEqual(problems, ['caLifetime (G2G_CA_LIFETIME / --ca-lifetime): must be longer than leafLifetime (1h), got 1h']);
  });

  test('two listeners on one port and overlapping addresses are reported', () => {
    assert.equal(problemsOf({ flags: { 'gossip-port': '7400' } }).length, 1);
    assert.equal(problemsOf({ flags: { 'metrics-port': '7401' } }).length, 1, 'wildcard host overlaps 127.0.0.1');
    assert.equal(load({ flags: { 'register-port': '0', 'gossip-port': '0' } }).gossipPort, 0, 'two OS-chosen ports never clash');
    assert.equal(load({ flags: { host: '10.0.0.1', 'metrics-port': '7401' } }).metricsPort, 7401);
  });
});

describe('secrets', () => {
  // A well-formed token: the ticket is parsed with the rest of the configuration.
  const secret = 'abcdefgh.supersecretsupersecretsupersecret';
  const ticket = `g2g://${secret}@10.0.0.1:7400?mode=server`;

  test('printableConfig masks token and join when set', () => {
    const config = load({ env: { G2G_TOKEN: secret }, flags: { join: ticket } });
    assert.equal(config.token, secret, 'the loaded config keeps the real value');
    const printable = printableConfig(config);
    assert.equal(printable.token, '[masked]');
    assert.equal(printable.join, '[masked]');
    assert.equal(printable.gossipPort, 7401);
    assert.ok(!String(JSON.stringify(printable)).includes('supersecret'));
  });

  test('printableConfig leaves empty secrets empty', () => {
    const printable = printableConfig(load());
    assert.equal(printable.token, '');
    assert.equal(printable.join, '');
  });

  test('problems never echo a secret', () => {
    const badToken = 'no-dot-supersecret';
    const problems = problemsOf({ env: { G2G_TOKEN: badToken, G2G_JOIN: 'http://supersecret' } });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.ok(problems.every((p) => p.includes('got [masked]') && !p.includes('supersecret')), problems.join('\n'));
  });
});

describe('schema and docs', () => {
  const keys = Object.keys(configSchema) as Array<keyof typeof configSchema>;

  test('every key has a doc, a format, a default, an env var and a flag named after it', () => {
    assert.equal(keys.length, 67);
    for (const key of keys) {
      const item = configSchema[key];
      assert.ok(item.doc.trim().length > 40, `${key}: doc explains the trade-off`);
      assert.ok(typeof item.format === 'string' ? item.format.length > 0 : item.format.length > 0, `${key}: format`);
      assert.ok(item.default !== undefined, `${key}: default`);
      const snake = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
      assert.equal(item.env, key === 'configFile' ? 'G2G_CONFIG' : `G2G_${snake}`);
      assert.equal(item.arg, key === 'configFile' ? 'config' : snake.toLowerCase().replace(/_/g, '-'));
    }
  });

  test('the schema defaults satisfy their own formats', () => {
    // loadConfig validates every source but not the defaults; convict's validate() is the guard.
    assert.doesNotThrow(() => load());
  });

  test('configFlags covers every key, with secrets marked', () => {
    const flags = configFlags();
    assert.deepEqual(flags.map((f) => f.key), keys);
    assert.deepEqual(flags.filter((f) => f.sensitive).map((f) => f.flag).sort(), ['join', 'token']);
    const byFlag = new Map(flags.map((f) => [f.flag, f]));
    assert.equal(byFlag.get('leaf-lifetime')?.defaultText, '1h');
    assert.equal(byFlag.get('data-dir')?.defaultText, '~/.g2g');
    assert.equal(byFlag.get('health-port')?.defaultText, 'off');
    assert.equal(byFlag.get('gossip-port')?.env, 'G2G_GOSSIP_PORT');
  });

  test('describeConfig is a markdown table with a row per key and per profile', () => {
    const md = describeConfig();
    for (const key of keys) {
      const item = configSchema[key];
      assert.ok(md.includes(`| \`${key}\` | \`${item.env}\` | \`--${item.arg}\` |`), key);
    }
    assert.ok(md.includes('| `local` | `host` = `127.0.0.1`, `leafLifetime` = `2m`'), md);
    assert.ok(md.includes('| `caLifetime` | `G2G_CA_LIFETIME` | `--ca-lifetime` | `3650d` |'));
  });
});

describe('plugin settings', () => {
  test('plugin dirs are resolved, lists and booleans parse, and raw plugin settings are kept per source', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'g2g-config-plugins-'));
    const file = path.join(dir, 'g2g.json');
    fs.writeFileSync(file, JSON.stringify({ pluginsDisabled: ['kv'], plugins: { echo: { prefix: '> ' } } }));
    const c = load({
      flags: { config: file, 'plugins-dir': 'a,/abs/b', 'plugins-fail-on-error': 'yes', 'plugin-echo-prefix': '>> ' },
      env: { G2G_PLUGINS_ENABLED: 'echo, query', G2G_PLUGIN_ECHO_PREFIX: 'env', G2G_PLUGINS_STOP_TIMEOUT: '2s', G2G_UNRELATED: 'x' },
      cwd: dir,
    });
    assert.deepEqual(c.pluginsDir, [path.join(dir, 'a'), '/abs/b']);
    assert.deepEqual(c.pluginsEnabled, ['echo', 'query']);
    assert.deepEqual(c.pluginsDisabled, ['kv']);
    assert.equal(c.pluginsFailOnError, true);
    assert.equal(c.pluginsStopTimeout, 2 * SECOND);
    assert.deepEqual(c.plugins, { file: { echo: { prefix: '> ' } }, env: { G2G_PLUGIN_ECHO_PREFIX: 'env' }, flags: { 'plugin-echo-prefix': '>> ' } });
    const printable = printableConfig(c);
    assert.deepEqual(printable.plugins, { file: { echo: ['prefix'] }, env: ['G2G_PLUGIN_ECHO_PREFIX'], flags: ['--plugin-echo-prefix'] }, 'names, never values');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('bad plugin settings are config problems', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'g2g-config-plugins-'));
    const file = path.join(dir, 'g2g.json');
    fs.writeFileSync(file, JSON.stringify({ plugins: { echo: 'loud' } }));
    assert.deepEqual(problemsOf({ flags: { config: file } }), [`plugins.echo: must be an object of that plugin's settings in config file ${file}`]);
    fs.writeFileSync(file, JSON.stringify({ plugins: [] }));
    assert.match(problemsOf({ flags: { config: file } })[0]!, /^plugins: must be an object of plugin sections/);
    assert.match(problemsOf({ flags: { 'plugins-enabled': 'Echo' } })[0]!, /pluginsEnabled .*plugin names/);
    assert.match(problemsOf({ flags: { 'plugins-fail-on-error': 'maybe' } })[0]!, /must be true or false/);
    assert.match(problemsOf({ flags: { 'plugins-enabled': 'echo', 'plugins-disabled': 'echo' } })[0]!, /echo also listed in pluginsEnabled/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('advertiseGossipPort', () => {
  test('a port to publish instead of the bound one; off by default; 0 (nobody can dial it) is refused', () => {
    assert.equal(load({ flags: { 'advertise-gossip-port': '17401' } }).advertiseGossipPort, 17401);
    assert.equal(load({ env: { G2G_ADVERTISE_GOSSIP_PORT: 'off' } }).advertiseGossipPort, null);
    const problems = problemsOf({ flags: { 'advertise-gossip-port': '0' } });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^advertiseGossipPort \(G2G_ADVERTISE_GOSSIP_PORT \/ --advertise-gossip-port\): must be a port 1-65535/);
  });
});
