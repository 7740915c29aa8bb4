import fs from 'node:fs';
import { ROLES, type RoleTable } from '../access/roles.js';

/** One realm role as a Keycloak realm export declares it. */
export interface RealmRole {
  readonly name: string;
  readonly description: string;
}

/** The realm roles of an installation, in the export's shape: its role table, word for word. */
export function realmRoles(roles: RoleTable = ROLES): RealmRole[] {
  return Object.entries(roles).map(([name, description]) => ({ name, description: description.charAt(0).toUpperCase() + description.slice(1) }));
}

/**
 * Rewrites `roles.realm` of a realm export to the installation's roles, leaving
 * the rest as it is; true when the file changed. `npm run realm-roles` runs it
 * on `deploy/keycloak/realm-export.json` after a connector is added or removed.
 */
export function writeRealmRoles(file: string, roles: RoleTable = ROLES): boolean {
  const before = fs.readFileSync(file, 'utf8');
  const realm = JSON.parse(before) as { roles?: { realm?: RealmRole[] } };
  realm.roles = { ...realm.roles, realm: realmRoles(roles) };
  const after = `${JSON.stringify(realm, null, 2)}\n`;
  if (after !== before) fs.writeFileSync(file, after);
  return after !== before;
}
