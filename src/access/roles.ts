import { connectors as installedConnectors } from '../../connectors/index.js';
import type { Connector } from '../connectors/connector.js';

/**
 * The roles every installation has, whatever its connectors (docs/design.md §5.2),
 * with what each sees. The department roles are not here: there is one per
 * installed connector (`departmentRole`).
 */
export const FIXED_ROLES = {
  'grid-worker': 'own grid(s) (--grid, claim grid_codes): L1, L2; L3 masked',
  'community-staff': 'own community (--community, claim community_code): L1, L2; L3 masked',
  'street-staff': 'own street (--street, claim street_code): L1, L2; L3 masked',
  'district-command': 'district (--district, claim district_code): L1, L2; L3 masked; L4 counts only',
  'data-steward': 'district: L1; L2 sync and quality metadata; L3 masked',
  auditor: 'the audit log only',
} as const;

export type FixedRole = keyof typeof FIXED_ROLES;
/** `dept-<connector name>`: owns that connector's values. */
export type DepartmentRole = `dept-${string}`;
export type Role = FixedRole | DepartmentRole;

/** Role → what it sees, in the order help texts and the realm export list them. */
export type RoleTable = Readonly<Record<Role, string>>;

const DEPARTMENT_PREFIX = 'dept-';

/** The role owning a connector's values. */
export function departmentRole(connectorName: string): DepartmentRole {
  return `${DEPARTMENT_PREFIX}${connectorName}`;
}

/** The department a role belongs to: `dept-<connector name>` owns that connector's values. */
export function departmentOf(role: Role): string | undefined {
  return role.startsWith(DEPARTMENT_PREFIX) ? role.slice(DEPARTMENT_PREFIX.length) : undefined;
}

/**
 * The realm roles of an installation with these connectors: the fixed roles
 * around one `dept-<name>` per connector. A token's other roles are not
 * gridgraph's and give nothing — so a department role exists exactly when its
 * connector is installed, and a sixth connector brings its own.
 */
export function roleTable(connectors: readonly Pick<Connector, 'name' | 'department'>[]): RoleTable {
  const { 'data-steward': steward, auditor, ...areaRoles } = FIXED_ROLES;
  const departments = Object.fromEntries(
    connectors.map((c) => [departmentRole(c.name), `district (--district, claim district_code): L1, L2; L3 in full with a purpose for identity fields and those of ${c.name} (${c.department}), masked otherwise; L4 of ${c.name} only, with a purpose`]),
  );
  return Object.freeze({ ...areaRoles, ...departments, 'data-steward': steward, auditor }) as RoleTable;
}

/** The role names of an installation whose connectors are these departments. */
export function roleNames(departments: readonly string[]): Role[] {
  return Object.keys(roleTable(departments.map((name) => ({ name, department: name })))) as Role[];
}

/**
 * The realm roles of this installation: those of the connectors in
 * `connectors/index.ts`. `gridgraph token`, the development realm and the
 * Keycloak realm export (`npm run realm-roles`) all come from this table.
 */
export const ROLES: RoleTable = roleTable(installedConnectors);

/**
 * The roles a server serving these connectors accepts: the installation's,
 * and those of any other connector it is given (a test's sixth source).
 */
export function rolesServing(served: readonly Pick<Connector, 'name' | 'department'>[]): RoleTable {
  const extra = served.filter((c) => !installedConnectors.some((installed) => installed.name === c.name));
  return extra.length === 0 ? ROLES : roleTable([...installedConnectors, ...extra]);
}

export function isRole(name: string, roles: RoleTable = ROLES): name is Role {
  return Object.hasOwn(roles, name);
}
