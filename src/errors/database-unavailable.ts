import { ErrorCode } from './error-code.js';
import { GridgraphError } from './gridgraph-error.js';

/** The fields of department `source` cannot be read now: down, cut off, or slower than its deadline. */
export function sourceUnavailable(source: string, cause?: unknown): GridgraphError {
  return withCause(new GridgraphError(ErrorCode.SOURCE_UNAVAILABLE, `source ${source} is unavailable`, { source }), cause);
}

/** The hub's own database did not answer: nothing that depends on it can be answered now. */
export function hubUnavailable(cause?: unknown): GridgraphError {
  return withCause(
    new GridgraphError(ErrorCode.INTERNAL, 'the hub database is unavailable; try again shortly', { reason: HUB_UNAVAILABLE }),
    cause,
  );
}

/** `extensions.reason` of a hub-unavailable error, by which the HTTP layer answers 503. */
export const HUB_UNAVAILABLE = 'HUB_UNAVAILABLE';

function withCause(error: GridgraphError, cause: unknown): GridgraphError {
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}
