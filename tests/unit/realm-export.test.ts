import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { areaClaimOf, type AreaClaim } from '../../src/access/area-claims.js';
import { ROLES, type Role } from '../../src/access/roles.js';
import { CLIENT_ID } from '../../src/auth/dev-realm.js';
import { realmRoles } from '../../src/auth/realm-roles.js';

/**
 * The realm export must give tokens what the hub reads. Keycloak creates its
 * built-in client scopes only when an import has no `clientScopes` list; this
 * one has a list, so every scope a token needs must be in it, with its mappers,
 * and be a default scope of the realm and of the app client.
 */

interface Mapper {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}
interface Scope {
  name: string;
  protocolMappers?: Mapper[];
}
interface Realm {
  roles: { realm: { name: string }[] };
  clientScopes: Scope[];
  defaultDefaultClientScopes: string[];
  clients: { clientId: string; bearerOnly?: boolean; defaultClientScopes?: string[] }[];
  components: Record<string, { config: Record<string, string[]> }[]>;
}

const realm = JSON.parse(fs.readFileSync(new URL('../../deploy/keycloak/realm-export.json', import.meta.url), 'utf8')) as Realm;
const app = realm.clients.find((client) => client.clientId === 'gridgraph-app')!;

/** The mappers that reach an app's access token: those of scopes that are default both in the realm and for the app. */
function accessTokenMappers(): Mapper[] {
  return realm.clientScopes
    .filter((scope) => realm.defaultDefaultClientScopes.includes(scope.name) && app.defaultClientScopes?.includes(scope.name))
    .flatMap((scope) => scope.protocolMappers ?? [])
    .filter((mapper) => mapper.config['access.token.claim'] === 'true');
}

describe('the Keycloak realm export', () => {
  it('declares every role the hub knows, and no other', () => {
    expect(realm.roles.realm.map((role) => role.name).sort()).toEqual(Object.keys(ROLES).sort());
  });

  it('lists the roles of the installed connectors word for word (regenerate with npm run realm-roles)', () => {
    expect(realm.roles.realm).toEqual(realmRoles(ROLES));
    expect(realm.roles.realm.filter((role) => role.name.startsWith('dept-')).map((role) => role.name)).toEqual([
      'dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation',
    ]);
  });

  it('names only scopes it defines as defaults, the built-in ones included', () => {
    const defined = realm.clientScopes.map((scope) => scope.name);
    for (const name of [...realm.defaultDefaultClientScopes, ...(app.defaultClientScopes ?? [])]) expect(defined, name).toContain(name);
    expect(realm.defaultDefaultClientScopes).toEqual(expect.arrayContaining(['basic', 'roles', 'profile', 'web-origins', 'acr', 'gridgraph-scope']));
  });

  it('puts the realm roles into access tokens as realm_access.roles', () => {
    const roles = accessTokenMappers().filter((mapper) => mapper.protocolMapper === 'oidc-usermodel-realm-role-mapper');
    expect(roles).toHaveLength(1);
    expect(roles[0].config).toMatchObject({ 'claim.name': 'realm_access.roles', multivalued: 'true' });
  });

  it('puts sub, preferred_username and the gridgraph audience into access tokens', () => {
    const mappers = accessTokenMappers();
    expect(mappers.some((mapper) => mapper.protocolMapper === 'oidc-sub-mapper')).toBe(true);
    expect(mappers.find((mapper) => mapper.config['claim.name'] === 'preferred_username')?.config['user.attribute']).toBe('username');
    expect(mappers.find((mapper) => mapper.protocolMapper === 'oidc-audience-mapper')?.config['included.client.audience']).toBe(CLIENT_ID);
    expect(realm.clients.find((client) => client.clientId === CLIENT_ID)?.bearerOnly).toBe(true);
  });

  it('maps every area claim a role reads from a multivalued user attribute — the array form the hub accepts', () => {
    const claims = new Set((Object.keys(ROLES) as Role[]).map(areaClaimOf).filter((claim): claim is AreaClaim => claim !== undefined));
    expect([...claims].sort()).toEqual(['community_code', 'district_code', 'grid_codes', 'street_code']);
    const profile = JSON.parse(realm.components['org.keycloak.userprofile.UserProfileProvider'][0].config['kc.user.profile.config'][0]) as {
      attributes: { name: string; multivalued?: boolean }[];
    };
    for (const claim of claims) {
      const mapper = accessTokenMappers().find((m) => m.config['claim.name'] === claim);
      expect(mapper?.protocolMapper, claim).toBe('oidc-usermodel-attribute-mapper');
      expect(mapper?.config, claim).toMatchObject({ 'user.attribute': claim, multivalued: 'true', 'jsonType.label': 'String' });
      expect(profile.attributes.find((attribute) => attribute.name === claim)?.multivalued, claim).toBe(true);
    }
  });
});
