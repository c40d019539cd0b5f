import pino, { type DestinationStream, type Logger } from 'pino';

/** JSON lines to stdout. Nothing we log carries a token, but redaction guards the usual places anyway. */
export function createLogger(level: string, destination: DestinationStream = pino.destination({ dest: 1, sync: false })): Logger {
  return pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', 'claims'], censor: '[redacted]' },
    },
    destination,
  );
}
