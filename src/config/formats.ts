import net from 'node:net';
import convict from 'convict';
import { nameProblem, parseTags, userTagsProblem } from './node-tags';

/**
 * The convict formats g2g's schema uses, written here because the convict-format-with-* packages
 * are not dependencies.
 *
 * Contract shared by every format:
 * - `coerce` runs only on strings (env vars, flags, and strings in the JSON file) and never
 *   throws: a string it cannot convert is returned unchanged, so `validate` can report the value
 *   the user actually typed (`got "abc"`) instead of a `NaN`.
 * - `validate` throws an Error whose message completes the sentence "<key>: ..." and does not
 *   repeat the value; the caller appends the value unless the key is sensitive.
 * - Per-key bounds (`min`, `max`, `allowEmpty`) live on the schema item, which convict passes to
 *   `validate` as its second argument.
 *
 * Names carry a `g2g-` prefix because convict's format registry is process-global: a plugin that
 * registers its own `duration` must not change how the node validates its timers.
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * The longest delay `setTimeout` honours (a longer one fires at once) and the largest value
 * gRPC's 32-bit millisecond channel options accept.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const UNIT_MS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY };
const DURATION_PART = /(\d+)(ms|s|m|h|d)/g;
const DURATION_STRING = /^(?:\d+(?:ms|s|m|h|d))+$/;

/** The bounds a schema item may declare; all optional. */
export interface FormatBounds {
  /** Inclusive lower bound (milliseconds for durations). */
  min?: number;
  /** Inclusive upper bound (milliseconds for durations). */
  max?: number;
  /** Exclusive lower bound, for numbers. */
  above?: number;
  /** Exclusive upper bound, for numbers. */
  below?: number;
  /** Whether the empty string is accepted (paths). */
  allowEmpty?: boolean;
}

/**
 * Parses `250ms`, `30s`, `5m`, `1h`, `7d`, compounds such as `1h30m`, and `0`. Returns
 * `undefined` for anything else, including results beyond 2^53 and bare numbers: `90` could mean
 * 90 ms or 90 s, and guessing wrong made tokens that were expired when made. `0` is
 * the one bare number kept, as in Go's time.ParseDuration: it means the same in every unit.
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (!DURATION_STRING.test(s)) return undefined;
  let total = 0;
  for (const [, amount, unit] of s.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return safeInteger(total);
}

/** Milliseconds as the shortest exact duration string: 3600000 → `1h`, 90000 → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE], ['s', SECOND], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A bare number where a duration or size was expected: the one-line hint names the units. */
export function isBareNumber(text: string): boolean {
  return /^\s*[+-]?\d+(?:\.\d+)?\s*$/.test(text);
}

/** The problem with a duration the user typed, as one line, or undefined when it parses. */
export function durationProblem(text: string): string | undefined {
  if (parseDuration(text) !== undefined) return undefined;
  return isBareNumber(text)
    ? `a bare number has no unit: write ${text.trim()}s, ${text.trim()}m, ${text.trim()}h or ${text.trim()}ms (units: ms, s, m, h, d)`
    : 'not a duration (e.g. 250ms, 90s, 15m, 24h, 7d, 1h30m)';
}

function safeInteger(n: number): number | undefined {
  return Number.isSafeInteger(n) ? n : undefined;
}

function fail(message: string): never {
  throw new Error(message);
}

function isPort(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 65535;
}

/** RFC 1123 hostname: dot-separated labels of letters, digits and inner hyphens. */
export function isHostname(x: string): boolean {
  if (x.length === 0 || x.length > 253) return false;
  return x.split('.').every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

function toList(x: string): string[] {
  return x.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function integerOrRaw(x: string): number | string {
  return /^\s*\d+\s*$/.test(x) ? Number(x) : x;
}

/** `host:port`, `[v6]:port`; the port must be 1-65535 (a well-known address cannot be "any"). */
export function isServiceAddress(entry: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
  if (!m) return false;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return false;
  return m[1] !== undefined ? net.isIPv6(m[1]) : net.isIP(m[2]!) !== 0 || isHostname(m[2]!);
}

function describeRange(b: FormatBounds): string {
  const lower = b.above !== undefined ? `greater than ${b.above}` : b.min !== undefined ? `at least ${b.min}` : undefined;
  const upper = b.below !== undefined ? `less than ${b.below}` : b.max !== undefined ? `at most ${b.max}` : undefined;
  return [lower, upper].filter((s) => s !== undefined).join(' and ');
}

type Validate = (value: unknown, schema: FormatBounds) => void;

interface G2gFormat {
  validate: Validate;
  coerce?: (value: string) => unknown;
}

export const formats = {
  /**
   * Milliseconds inside; strings take the units of {@link parseDuration}, which refuses bare
   * numbers. Numbers reach validate only from defaults and profiles (the loader refuses a bare
   * number in the config file before validate runs).
   */
  'g2g-duration': {
    coerce: (x) => parseDuration(x) ?? x,
    validate(x, b) {
      if (typeof x === 'string') fail(`must be a duration with a unit: ${durationProblem(x)}`);
      if (!Number.isSafeInteger(x) || (x as number) < 0) {
        fail('must be a duration such as 250ms, 30s, 5m, 1h, 7d');
      }
      const ms = x as number;
      if (b.min !== undefined && ms < b.min) fail(`must be at least ${formatDuration(b.min)}`);
      if (b.max !== undefined && ms > b.max) fail(`must be at most ${formatDuration(b.max)} (${b.max}ms)`);
    },
  },
  'g2g-port': {
    coerce: integerOrRaw,
    validate(x) {
      if (!isPort(x)) fail('must be a port 0-65535');
    },
  },
  /** A port that can be turned off: `null`, `"off"` or an empty string disable it. */
  'g2g-optional-port': {
    coerce: (x) => (x.trim() === '' || x.trim().toLowerCase() === 'off' ? null : integerOrRaw(x)),
    validate(x) {
      if (x !== null && !isPort(x)) fail('must be a port 0-65535 or "off"');
    },
  },
  'g2g-ip': {
    validate(x) {
      if (typeof x !== 'string' || net.isIP(x) === 0) fail('must be an IP address to bind to, such as 0.0.0.0, :: or 127.0.0.1');
    },
  },
  /** Comma-separated in env and flags, a JSON array in the file. */
  'g2g-host-list': {
    coerce: toList,
    validate(x) {
      if (!Array.isArray(x)) fail('must be a comma-separated list of IP addresses or hostnames');
      for (const entry of x as unknown[]) {
        if (typeof entry !== 'string' || (net.isIP(entry) === 0 && !isHostname(entry))) {
          fail(`must be a comma-separated list of IP addresses or hostnames; ${JSON.stringify(entry)} is neither`);
        }
      }
    },
  },
  'g2g-service-list': {
    coerce: toList,
    validate(x) {
      if (!Array.isArray(x)) fail('must be a comma-separated list of host:port addresses');
      for (const entry of x as unknown[]) {
        if (typeof entry !== 'string' || !isServiceAddress(entry)) {
          fail(`must be a comma-separated list of host:port addresses (port 1-65535, IPv6 in brackets); ${JSON.stringify(entry)} is not`);
        }
      }
    },
  },
  'g2g-cluster-name': {
    validate(x) {
      if (typeof x !== 'string' || !/^[a-z0-9-]{1,63}$/.test(x)) {
        fail('must be 1-63 characters of lowercase letters, digits and hyphens');
      }
    },
  },
  /** A finite number within the schema item's bounds. */
  'g2g-number': {
    coerce: (x) => (/^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/.test(x) ? Number(x) : x),
    validate(x, b) {
      const ok = typeof x === 'number' && Number.isFinite(x)
        && (b.min === undefined || x >= b.min) && (b.max === undefined || x <= b.max)
        && (b.above === undefined || x > b.above) && (b.below === undefined || x < b.below);
      if (!ok) fail(`must be a number ${describeRange(b)}`.trimEnd());
    },
  },
  /** A filesystem path; `~/` is expanded and relative paths resolved when the config loads. */
  'g2g-path': {
    validate(x, b) {
      if (typeof x !== 'string' || x.includes('\0')) fail('must be a filesystem path');
      if (x === '' && !b.allowEmpty) fail('must be a filesystem path, not empty');
    },
  },
  /** Filesystem paths: comma-separated in env and flags, a JSON array in the file. */
  'g2g-path-list': {
    coerce: toList,
    validate(x) {
      if (!Array.isArray(x)) fail('must be a comma-separated list of filesystem paths');
      for (const entry of x as unknown[]) {
        if (typeof entry !== 'string' || entry === '' || entry.includes('\0')) fail(`must be a comma-separated list of filesystem paths; ${JSON.stringify(entry)} is not one`);
      }
    },
  },
  /** Plugin names (the manifest's name rule): comma-separated in env and flags, a JSON array in the file. */
  'g2g-name-list': {
    coerce: toList,
    validate(x) {
      if (!Array.isArray(x)) fail('must be a comma-separated list of plugin names');
      for (const entry of x as unknown[]) {
        if (typeof entry !== 'string' || !/^[a-z][a-z0-9-]{0,62}$/.test(entry)) {
          fail(`must be a comma-separated list of plugin names (lower-case letters, digits, hyphens); ${JSON.stringify(entry)} is not one`);
        }
      }
    },
  },
  /** true/false; env and flags also take 1/0, yes/no, on/off. */
  'g2g-boolean': {
    coerce: (x) => {
      const t = x.trim().toLowerCase();
      return ['true', '1', 'yes', 'on'].includes(t) ? true : ['false', '0', 'no', 'off'].includes(t) ? false : x;
    },
    validate(x) {
      if (typeof x !== 'boolean') fail('must be true or false');
    },
  },
  /** `<id>.<secret>`; the token's own module owns the finer grammar. */
  'g2g-token': {
    validate(x) {
      if (typeof x !== 'string' || (x !== '' && !/^[^.\s]+\.\S+$/.test(x))) {
        fail('must be empty or a token of the form <id>.<secret>');
      }
    },
  },
  /** `g2g://<id>.<secret>@host:port?...`; the ticket parser owns the finer grammar. */
  'g2g-join-ticket': {
    validate(x) {
      if (typeof x !== 'string' || (x !== '' && !/^g2g:\/\/\S+$/.test(x))) {
        fail('must be empty or a join ticket of the form g2g://<id>.<secret>@host:port?...');
      }
    },
  },
  /** A node name (shown by `g2g members`, usable as a CLI target); `''` means the hostname. */
  'g2g-node-name': {
    validate(x) {
      if (typeof x !== 'string') fail('must be a node name');
      const problem = x === '' ? undefined : nameProblem(x);
      if (problem !== undefined) fail(problem);
    },
  },
  /** Operator tags: `k=v,k2=v2` in env and flags; a string of that form or an object in the file. */
  'g2g-tags': {
    coerce: (x) => {
      try {
        return parseTags(x);
      } catch {
        return x;
      }
    },
    validate(x) {
      if (typeof x === 'string') parseTags(x); // throws the grammar problem
      const list = Array.isArray(x) ? x : undefined;
      if (!list || !list.every((t) => typeof t === 'object' && t !== null && typeof t.key === 'string' && typeof t.value === 'string')) {
        fail('must be a comma-separated list of key=value');
      }
      const problem = userTagsProblem(list as Array<{ key: string; value: string }>);
      if (problem !== undefined) fail(problem);
    },
  },
  /** A whole number within the schema item's bounds. */
  'g2g-integer': {
    coerce: integerOrRaw,
    validate(x, b) {
      const ok = Number.isSafeInteger(x) && (b.min === undefined || (x as number) >= b.min) && (b.max === undefined || (x as number) <= b.max);
      if (!ok) fail(`must be a whole number ${describeRange(b)}`.trimEnd());
    },
  },
  /** Bytes inside; strings need a unit (`4096B`, `512KiB`, `64MiB`, `1GiB`), like durations. */
  'g2g-bytes': {
    coerce: (x) => parseBytes(x) ?? x,
    validate(x, b) {
      if (typeof x === 'string' && isBareNumber(x)) fail(`must be a size with a unit: a bare number has no unit: write ${x.trim()}B, ${x.trim()}KiB or ${x.trim()}MiB`);
      if (!Number.isSafeInteger(x) || (x as number) < 0) fail('must be a size such as 4096B, 512KiB, 64MiB or 1GiB');
      if (b.min !== undefined && (x as number) < b.min) fail(`must be at least ${formatBytes(b.min)}`);
      if (b.max !== undefined && (x as number) > b.max) fail(`must be at most ${formatBytes(b.max)}`);
    },
  },
} satisfies Record<string, G2gFormat>;

const BYTE_UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Parses `4096B`, `512KiB`, `64MiB`, `1GiB` and `0`; `undefined` for anything else, bare numbers included. */
export function parseBytes(text: string): number | undefined {
  if (text.trim() === '0') return 0;
  const m = /^\s*(\d+)\s*(B|KiB|MiB|GiB)\s*$/.exec(text);
  return m ? safeInteger(Number(m[1]) * BYTE_UNITS[m[2]!]!) : undefined;
}

/** Bytes in the largest exact binary unit: 262144 → `256KiB`, 1000 → `1000B`. */
export function formatBytes(n: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) if (n > 0 && n % BYTE_UNITS[unit]! === 0) return `${n / BYTE_UNITS[unit]!}${unit}`;
  return `${n}B`;
}

/** Formats whose values must be written with a unit (a bare JSON number in the config file is refused too). */
export const UNIT_FORMATS: readonly string[] = ['g2g-duration', 'g2g-bytes'];

/**
 * Why `raw` cannot be taken for a key of `format`: a JSON number in the config file for a key that
 * needs a unit is as ambiguous as a bare number in a flag (90 seconds or 90 ms?). Undefined when
 * the value is not such a number. The caller names the key and the source.
 */
export function bareNumberProblem(format: unknown, raw: unknown): string | undefined {
  if (typeof raw !== 'number' || typeof format !== 'string' || !UNIT_FORMATS.includes(format)) return undefined;
  const units = format === 'g2g-duration' ? `"${raw}s", "${raw}m" or "${raw}ms"` : `"${raw}B", "${raw}KiB" or "${raw}MiB"`;
  return `a bare number has no unit: write a string with a unit, such as ${units}`;
}

export type FormatName = keyof typeof formats;

let registered = false;

/** Registers the formats with convict; idempotent. */
export function registerFormats(): void {
  if (registered) return;
  convict.addFormats(formats as Record<string, convict.Format>);
  registered = true;
}
