import { isRole, type Role } from './roles.js';

/** Where a caller's rows may come from: grids, or divisions by code prefix. Empty means nowhere. */
export interface AreaScope {
  readonly grids: readonly string[];
  /** Community (12 digits), street (9) or district (6) codes: an address is inside when its community code starts with one. */
  readonly divisions: readonly string[];
  /** Every address: only the anonymous door-plate view, which sees public fields of the plate it names. */
  readonly everywhere: boolean;
}

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

/** The scope claims a token carries (Keycloak user attributes mapped into the token; see deploy/keycloak). */
export interface TokenClaims {
  sub?: string;
  preferred_username?: string;
  realm_access?: { roles?: string[] };
  grid_codes?: string | string[];
  community_code?: string | string[];
  street_code?: string | string[];
  district_code?: string | string[];
}

export const ANONYMOUS: Viewer = {
  subject: 'anonymous',
  anonymous: true,
  roles: [],
  scope: { grids: [], divisions: [], everywhere: true },
};

const list = (claim: string | string[] | undefined): string[] => (claim === undefined ? [] : Array.isArray(claim) ? claim : [claim]);

/**
 * The viewer a verified token describes. Each role's row scope comes from its
 * own claim: grid workers from `grid_codes`, community and street staff from
 * `community_code` / `street_code`, the district roles from `district_code`.
 * A role whose claim is missing sees no rows.
 */
export function viewerFromClaims(claims: TokenClaims, purpose?: string): Viewer {
  const roles = (claims.realm_access?.roles ?? []).filter(isRole);
  const grids = new Set<string>();
  const divisions = new Set<string>();
  for (const role of roles) {
    if (role === 'grid-worker') list(claims.grid_codes).forEach((code) => grids.add(code));
    else if (role === 'community-staff') list(claims.community_code).forEach((code) => divisions.add(code));
    else if (role === 'street-staff') list(claims.street_code).forEach((code) => divisions.add(code));
    else if (role !== 'auditor') list(claims.district_code).forEach((code) => divisions.add(code));
  }
  const trimmed = purpose?.trim();
  return {
    subject: claims.sub ?? 'unknown',
    name: claims.preferred_username,
    anonymous: false,
    roles,
    scope: { grids: [...grids], divisions: [...divisions], everywhere: false },
    purpose: trimmed ? trimmed.slice(0, 200) : undefined,
  };
}
