import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '../access/roles.js';
import type { DevRealm } from './dev-realm.js';

export interface TokenRequest {
  readonly roles: readonly Role[];
  readonly grids?: readonly string[];
  readonly communities?: readonly string[];
  readonly streets?: readonly string[];
  readonly districts?: readonly string[];
  /** @default 3600 */
  readonly ttlSeconds?: number;
  /** @default a name made from the roles */
  readonly subject?: string;
}

/**
 * A token in Keycloak's shape — `realm_access.roles`, the scope claims the
 * realm export's mappers add, `typ: Bearer`, the client as audience — signed
 * with the development realm's key.
 */
export async function mintToken(realm: DevRealm, request: TokenRequest): Promise<string> {
  const subject = request.subject ?? `dev-${request.roles.join('+') || 'no-role'}`;
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    typ: 'Bearer',
    azp: realm.settings.clientId,
    preferred_username: subject,
    realm_access: { roles: [...request.roles] },
    scope: 'openid gridgraph-scope',
  };
  if (request.grids?.length) claims.grid_codes = [...request.grids];
  if (request.communities?.length) claims.community_code = [...request.communities];
  if (request.streets?.length) claims.street_code = [...request.streets];
  if (request.districts?.length) claims.district_code = [...request.districts];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: realm.keyId })
    .setIssuer(realm.issuer)
    .setAudience(realm.settings.clientId)
    .setSubject(subject)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (request.ttlSeconds ?? 3600))
    .sign(realm.privateKey);
}
