import { type Logger, pino } from 'pino';

/** The CLI's logger: JSON lines on stderr (stdout stays for command output), level from --log-level or config. */
export function cliLogger(level: string): Logger {
  return pino({ level, base: { app: 'gotthard' } }, pino.destination(2));
}
