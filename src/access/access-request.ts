import type { RequestAccess } from './request-access.js';

/**
 * What access needs of a request: the caller, their area checks, the audit
 * collector and the masks' look-ups. The graph's context is one of these.
 */
export interface AccessRequest {
  readonly access: RequestAccess;
}
