import { ErrorCode } from './error-code.js';

/**
 * An expected error: its message is written for the client and is safe to show.
 * Anything thrown that is not a GridgraphError is reported as INTERNAL.
 */
export class GridgraphError extends Error {
  constructor(
    /** The taxonomy code, sent as `extensions.code`. */
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable detail, sent under `extensions`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GridgraphError';
  }
}

export function badUserInput(message: string, details?: Record<string, unknown>): GridgraphError {
  return new GridgraphError(ErrorCode.BAD_USER_INPUT, message, details);
}
