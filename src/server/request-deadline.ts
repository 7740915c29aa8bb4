import type { RequestHandler } from 'express';
import { withDeadline } from '../db/deadline.js';

/**
 * Gives every request an overall deadline (REQUEST_TIMEOUT_MS from the moment
 * its body has been read): each hub or source pool wait and statement started
 * while it is handled ends by then (see createGuardedPool), so no request waits
 * on a database longer, whatever the per-statement timeouts allow. Mounted
 * right before Apollo Server, after the body parser: the deadline travels in
 * the async context, which the parser's stream callbacks would not carry.
 */
export function requestDeadline(timeoutMs: number): RequestHandler {
  return (_req, _res, next) => {
    withDeadline(Date.now() + timeoutMs, () => next());
  };
}
