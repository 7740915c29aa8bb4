import { invalidToken } from '../errors/invalid-token.js';
import { REGISTRY_CODE } from '../registry/row-validation.js';
import { isRole, type Role } from './roles.js';

/** The area claims a token may carry, one per level (Keycloak user attributes; see deploy/keycloak). */
export type AreaClaim = 'grid_codes' | 'community_code' | 'street_code' | 'district_code';

/** What each area claim must hold: its level's code shape, said in words for the error description. */
const CLAIM_SHAPES: Record<AreaClaim, { readonly pattern: RegExp; readonly expected: string }> = {
  grid_codes: { pattern: REGISTRY_CODE, expected: 'registry grid codes' },
  community_code: { pattern: /^\d{12}$/, expected: '12-digit community codes' },
  street_code: { pattern: /^\d{9}$/, expected: '9-digit street codes' },
  district_code: { pattern: /^\d{6}$/, expected: '6-digit district codes' },
};

/** More codes than any one person's area has: a claim listing more is not from our realm. */
const MAX_CODES_PER_CLAIM = 500;

/** The claim a role's row scope comes from; `undefined`: the role reads no rows by area (the auditor). */
export function areaClaimOf(role: Role): AreaClaim | undefined {
  switch (role) {
    case 'grid-worker':
      return 'grid_codes';
    case 'community-staff':
      return 'community_code';
    case 'street-staff':
      return 'street_code';
    case 'auditor':
      return undefined;
    default:
      return 'district_code';
  }
}

/** A token's roles and area, checked: every code has its level's shape. Grids still have to be found in the registry. */
export interface CheckedAreaClaims {
  readonly roles: readonly Role[];
  readonly grids: readonly string[];
  readonly communities: readonly string[];
  readonly streets: readonly string[];
  readonly districts: readonly string[];
}

/**
 * Reads `realm_access.roles` and the area claims, failing closed: the realm
 * export's mappers are multivalued, so Keycloak always writes an area claim as
 * a JSON array of strings — a bare string, an empty array, a non-string or a
 * code of the wrong shape is not from our realm's mappers and makes the token
 * invalid, as does a role without the claim it needs. A malformed claim is
 * never read as a wider area (or any area). Each role's area comes from its
 * own claim only: a grid worker's `district_code` gives it nothing.
 */
export function checkAreaClaims(claims: Record<string, unknown>): CheckedAreaClaims {
  const roles = readRoles(claims.realm_access);
  const codes = {} as Record<AreaClaim, string[]>;
  for (const claim of Object.keys(CLAIM_SHAPES) as AreaClaim[]) codes[claim] = readClaim(claims, claim);
  const granted = { grid_codes: false, community_code: false, street_code: false, district_code: false };
  for (const role of roles) {
    const claim = areaClaimOf(role);
    if (claim === undefined) continue;
    if (codes[claim].length === 0) throw invalidToken(`invalid token (claim ${claim} missing: the ${role} role reads its area from it)`);
    granted[claim] = true;
  }
  const granting = (claim: AreaClaim) => (granted[claim] ? unique(codes[claim]) : []);
  return {
    roles,
    grids: granting('grid_codes'),
    communities: granting('community_code'),
    streets: granting('street_code'),
    districts: granting('district_code'),
  };
}

function readRoles(realmAccess: unknown): Role[] {
  if (realmAccess === undefined) return [];
  const roles = typeof realmAccess === 'object' && realmAccess !== null ? (realmAccess as { roles?: unknown }).roles : null;
  if (roles === undefined) return [];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw invalidToken('invalid token (claim realm_access.roles: expected an array of role names)');
  }
  // Other realm roles (offline_access, uma_authorization …) are Keycloak's, not gridgraph's.
  return unique(roles.filter(isRole));
}

/** The codes of one area claim; absent: none. */
function readClaim(claims: Record<string, unknown>, claim: AreaClaim): string[] {
  const value = claims[claim];
  if (value === undefined) return [];
  const { pattern, expected } = CLAIM_SHAPES[claim];
  const wellFormed =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_CODES_PER_CLAIM &&
    value.every((code) => typeof code === 'string' && pattern.test(code));
  if (!wellFormed) throw invalidToken(`invalid token (claim ${claim}: expected an array of ${expected})`);
  return value as string[];
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
