import type { RequestHandler } from 'express';
import { withDeadline } from '../db/deadline.js';

/**
 * Gives every request an overall deadline (REQUEST_TIMEOUT_MS from its
 * arrival): each hub or source pool wait and statement started while it is
 * handled ends by then (see createGuardedPool), so no request waits on a
 * database longer, whatever the per-statement timeouts allow. Mounted after
 * the body parser, so that the rest of the request runs inside the deadline.
 */
export function requestDeadline(timeoutMs: number): RequestHandler {
  return (_req, _res, next) => {
    withDeadline(Date.now() + timeoutMs, () => next());
  };
}
