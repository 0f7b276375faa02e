import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Paths that may carry key material or token secrets. pino removes them from every line, so a
 * careless `log.info({ leaf })` cannot leak a private key.
 */
const REDACTED_PATHS = [
  'privateKey', '*.privateKey', 'key', '*.key', 'keyPem', '*.keyPem',
  'secret', '*.secret', 'token', '*.token', 'ticket', '*.ticket', 'join', '*.join', 'password', '*.password',
];

/** The root logger: JSON lines on stderr (stdout is kept for command output such as tickets). */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, remove: true } }, destination);
}

/** A logger that drops everything, for tests and library use without output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
