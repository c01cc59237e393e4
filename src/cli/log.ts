import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Fields that may hold secrets, at the top of a log record or one level down: their values are
 * replaced by `[redacted]` before anything is written. Code should not log secrets at all; this is
 * the net under it (docs/security.md).
 */
export const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  'connectionString',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.cookie',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

export function logOptions(level: string): LoggerOptions {
  return { level, base: { app: 'gotthard' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}

/** The CLI's logger: JSON lines on stderr (stdout stays for command output), level from --log-level or config. */
export function cliLogger(level: string): Logger {
  return pino(logOptions(level), pino.destination(2));
}
