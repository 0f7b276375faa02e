import pino from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `auto`: pretty when stderr is a terminal, JSON lines otherwise (a pipe, a file, journald, a collector). */
export type LogFormat = 'auto' | 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['auto', 'json', 'pretty'];

/**
 * Paths that may carry key material or token secrets. pino removes them from every line, so a
 * careless `log.info({ leaf })` cannot leak a private key. Redaction happens before formatting,
 * so it holds in both formats.
 */
const REDACTED_PATHS = [
  'privateKey', '*.privateKey', 'key', '*.key', 'keyPem', '*.keyPem',
  'secret', '*.secret', 'token', '*.token', 'ticket', '*.ticket', 'join', '*.join', 'password', '*.password',
];

export interface LoggerOptions {
  format?: LogFormat;
  /** Whether stderr is a terminal (decides `auto`; tests pass it). */
  isTty?: boolean;
}

/**
 * The root logger, on stderr (stdout is kept for command output such as tickets). JSON lines
 * (pino's own: numeric levels, epoch-ms `time`) for machines; `pretty` — one line per event,
 * ISO-8601 UTC time, level names, fields inline — for people, through pino-pretty in this
 * process (synchronously, so a line written just before exit is not lost, which a worker-thread
 * transport does not promise).
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  const settings = { level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, remove: true } };
  const pretty = resolveFormat(options.format ?? 'json', options.isTty ?? process.stderr.isTTY === true) === 'pretty';
  if (!pretty) return pino(settings, destination ?? pino.destination(2));
  // Loaded only here: pino-pretty and its formatters (~30 modules) would otherwise sit in the
  // heap of every node that logs JSON, which is every node under a supervisor or in a container.
  const pinoPretty = require('pino-pretty') as (options: PrettyOptions) => pino.DestinationStream;
  const stream = pinoPretty({
    destination: destination ?? 2,
    sync: true,
    colorize: destination === undefined && process.stderr.isTTY === true && !process.env.NO_COLOR,
    singleLine: true,
    translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
    ignore: 'pid,hostname',
  });
  return pino(settings, stream);
}

/** `auto` decided: pretty for a person at a terminal, JSON for everything else. */
export function resolveFormat(format: LogFormat, isTty: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTty ? 'pretty' : 'json') : format;
}

/** A logger that drops everything, for tests and library use without output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
