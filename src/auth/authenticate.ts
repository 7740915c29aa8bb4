import type { RequestHandler, Response } from 'express';
import type { RoleTable } from '../access/roles.js';
import { ANONYMOUS, type GridLookup, type TokenClaims, type Viewer, viewerFromToken } from '../access/viewer.js';
import { ErrorCode } from '../errors/error-code.js';
import { isInvalidToken } from '../errors/invalid-token.js';
import { logServerError } from '../observability/logger.js';
import type { TokenVerifier } from './token-verifier.js';

/** The header a caller states their purpose in: a case number or a reason (docs/design.md §5.5). */
export const PURPOSE_HEADER = 'x-access-purpose';

/** The viewer `authenticate` found for this request. */
export function viewerOf(res: Response): Viewer {
  return (res.locals.viewer as Viewer | undefined) ?? ANONYMOUS;
}

/**
 * Verifies the bearer token, if there is one. No token: the anonymous viewer,
 * which may only use the public door-plate view (the GraphQL layer answers 401
 * for anything else). A token that does not verify, or whose roles and area
 * claims do not describe a viewer (viewerFromToken): 401 with
 * `WWW-Authenticate: Bearer` and the reason, never a 403 and never a smaller
 * or wider area than the token claims. `roles`: the realm roles the hub knows
 * (default: the installation's, `ROLES`).
 */
export function authenticate(verifier: TokenVerifier, existingGrids: GridLookup, roles?: RoleTable): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      res.locals.viewer = ANONYMOUS;
      next();
      return;
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) {
      unauthenticated(res, 'invalid_request', 'the Authorization header must be "Bearer <token>"');
      return;
    }
    let claims: TokenClaims;
    try {
      claims = await verifier.verify(match[1]);
    } catch (error) {
      unauthenticated(res, 'invalid_token', describe(error));
      return;
    }
    try {
      res.locals.viewer = await viewerFromToken(claims, req.get(PURPOSE_HEADER), existingGrids, roles);
    } catch (error) {
      // A malformed claim is the token's fault; a registry that cannot be read is ours.
      if (isInvalidToken(error)) unauthenticated(res, 'invalid_token', describe(error));
      else unavailable(res, error);
      return;
    }
    next();
  };
}

/** keycloak-connect's reasons read "Grant validation failed. Reason: invalid token (expired)"; the client gets "invalid token (expired)". */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^.*Reason:\s*/, '').replace(/"/g, "'");
}

export function unauthenticated(res: Response, error: string, description: string): void {
  res
    .status(401)
    .set('WWW-Authenticate', `Bearer realm="gridgraph", error="${error}", error_description="${description}"`)
    .json({ errors: [{ message: `unauthenticated: ${description}`, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
}

/** The grid registry could not be read: no viewer can be built, so nothing is answered (fail closed), and nothing internal is told. */
function unavailable(res: Response, error: unknown): void {
  logServerError('could not check a token\'s grids', error);
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL } }] });
}
