import { invalidToken } from '../errors/invalid-token.js';
import { checkAreaClaims } from './area-claims.js';
import type { Role } from './roles.js';

import type { AreaScope } from '../registry/area.js';

export type { AreaScope };

/** Who is asking: what the token says, plus the request's stated purpose. */
export interface Viewer {
  /** The token's subject; `anonymous` for the QR door-plate view. */
  readonly subject: string;
  readonly name?: string;
  readonly anonymous: boolean;
  readonly roles: readonly Role[];
  readonly scope: AreaScope;
  /** `X-Access-Purpose`: a case number or a reason; unmasked L3/L4 needs one. */
  readonly purpose?: string;
}

/**
 * The claims of a verified token that gridgraph reads. Their shapes are what
 * the realm's mappers write, but nothing is trusted before checkAreaClaims.
 */
export interface TokenClaims {
  sub?: string;
  preferred_username?: string;
  realm_access?: { roles?: string[] };
  grid_codes?: string[];
  community_code?: string[];
  street_code?: string[];
  district_code?: string[];
}

export const ANONYMOUS: Viewer = {
  subject: 'anonymous',
  anonymous: true,
  roles: [],
  scope: { grids: [], communities: [], streets: [], districts: [], everywhere: true },
};

/**
 * The viewer a verified token describes; throws an invalid-token error when a
 * claim is malformed or missing (see checkAreaClaims). Each role's row scope
 * comes from its own claim: grid workers from `grid_codes`, community and
 * street staff from `community_code` / `street_code`, the district roles from
 * `district_code`. Grid codes are checked for shape here and against the
 * registry by viewerFromToken.
 */
export function viewerFromClaims(claims: TokenClaims, purpose?: string): Viewer {
  // The audit log records who asked: a token that does not say is not one to answer.
  if (typeof claims.sub !== 'string' || claims.sub.trim() === '') throw invalidToken('invalid token (claim sub missing)');
  const { roles, grids, communities, streets, districts } = checkAreaClaims(claims as Record<string, unknown>);
  const trimmed = purpose?.trim();
  return {
    subject: claims.sub,
    name: typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined,
    anonymous: false,
    roles,
    scope: { grids, communities, streets, districts, everywhere: false },
    purpose: trimmed ? trimmed.slice(0, 200) : undefined,
  };
}

/** Which of some grid codes the registry holds (grid-repository's findExistingGridCodes over the hub). */
export type GridLookup = (codes: readonly string[]) => Promise<Set<string>>;

/** viewerFromClaims, and every grid the token names must exist in the registry: an unknown grid is no area, so no valid token. */
export async function viewerFromToken(claims: TokenClaims, purpose: string | undefined, existingGrids: GridLookup): Promise<Viewer> {
  const viewer = viewerFromClaims(claims, purpose);
  const named = viewer.scope.grids;
  if (named.length > 0) {
    const found = await existingGrids(named);
    if (named.some((code) => !found.has(code))) throw invalidToken('invalid token (claim grid_codes names a grid that is not in the registry)');
  }
  return viewer;
}
