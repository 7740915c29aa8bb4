import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

/** What the log knows of the request being handled (see request-observer.ts): its id, for every line written while it runs. */
export interface RequestLogContext {
  readonly requestId: string;
}

/** The request whose handling is running now; set right before Apollo, so every log line inside a request names it. */
export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the log is written. */
export interface LogOptions {
  /** `LOG_LEVEL`. @default info (silent under tests: NODE_ENV=test) */
  readonly level?: LogLevel;
  /** Human-friendly lines through pino-pretty instead of JSON. @default false */
  readonly pretty?: boolean;
  /** Where the lines go (tests). @default stdout */
  readonly destination?: DestinationStream;
}

/**
 * Only what an error says about the code, never the data: a PostgreSQL error's
 * `detail`, `where` or `parameters` can quote the values of a row.
 */
function serializeError(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    stack: error.stack,
    ...(cause instanceof Error ? { cause: serializeError(cause) } : {}),
  };
}

function createLogger(options: LogOptions = {}): Logger {
  const level = options.level ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  const settings: pino.LoggerOptions = {
    level,
    base: { service: 'gridgraph' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // `level: "info"` rather than 30: readable without pino's table of numbers.
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: serializeError },
    mixin() {
      const request = requestLogContext.getStore();
      return request === undefined ? {} : { reqId: request.requestId };
    },
  };
  if (options.destination !== undefined) return pino(settings, options.destination);
  if (options.pretty) return pino({ ...settings, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  return pino(settings);
}

/** The process's logger; `configureLogger` replaces it (serve does, from LOG_LEVEL). */
export let logger: Logger = createLogger();

export function configureLogger(options: LogOptions): Logger {
  logger = createLogger(options);
  return logger;
}

/**
 * A server error: its stack goes to the log (never to the client, see
 * formatError), on one JSON line, with the request id when inside a request.
 */
export function logServerError(what: string, error: unknown): void {
  logger.error({ err: error }, what);
}

/** A warning without a stack: a database connection lost, a source that did not answer. */
export function logWarning(what: string, error?: unknown): void {
  logger.warn(error === undefined ? {} : { reason: error instanceof Error ? error.message : String(error) }, what);
}

/** A line of sync or import progress: structured fields, for a log collector. */
export function logProgress(event: string, fields: Record<string, string | number | boolean | null>): void {
  logger.info({ event, ...fields }, event);
}
