import { ErrorCode } from './error-code.js';
import { GridgraphError } from './gridgraph-error.js';

/**
 * A bearer token gridgraph will not accept: answered 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` and this description. The
 * description names the check or the claim that failed and never repeats a
 * claim's value (it goes out in a response header).
 */
export function invalidToken(description: string): GridgraphError {
  return new GridgraphError(ErrorCode.UNAUTHENTICATED, description, { reason: 'invalid_token' });
}

export function isInvalidToken(error: unknown): error is GridgraphError {
  return error instanceof GridgraphError && error.code === ErrorCode.UNAUTHENTICATED;
}
