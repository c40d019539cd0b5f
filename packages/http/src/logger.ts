import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type LogFormat = 'pretty' | 'json';

/**
 * Readable lines for a person at a terminal; JSON lines for everything else (a pipe, a file, a
 * container's log collector) and always in production, where a machine reads them.
 */
export function chooseLogFormat(stdoutIsTerminal: boolean, nodeEnv: string | undefined): LogFormat {
  return stdoutIsTerminal && nodeEnv !== 'production' ? 'pretty' : 'json';
}

/** Nothing we log carries a token, but redaction guards the usual places anyway. */
const options = (level: string): LoggerOptions => ({
  level,
  base: null,
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', 'claims'], censor: '[redacted]' },
});

/**
 * Lines are written in batches of at least 4 KiB, or every 250 ms, whichever comes first: one
 * write per request cost a tenth of the CPU of a create (measured with `npm run bench`). pino
 * flushes what is left when the process exits; a `kill -9` can lose the last 250 ms of lines.
 */
const stdoutLines = () => pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });

/** JSON lines (the level as its name) to `destination`, stdout by default. */
export function createLogger(level: string, destination: DestinationStream = stdoutLines()): Logger {
  return pino({ ...options(level), formatters: { level: (label) => ({ level: label }) } }, destination);
}

/** The process's logger on stdout, in the format `chooseLogFormat` picks for it. */
export async function createStdoutLogger(
  level: string,
  format: LogFormat = chooseLogFormat(process.stdout.isTTY === true, process.env['NODE_ENV']),
): Promise<Logger> {
  if (format === 'json') return createLogger(level);
  // Loaded only here: production never pays for it.
  const { default: pretty } = await import('pino-pretty');
  return pino(options(level), pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', destination: 1, sync: true }));
}
