/**
 * The realm roles of DESIGN §5. A token may carry several; a field is shown as
 * the most permissive of them allows.
 */
export const ROLES = {
  'grid-worker': 'own grid(s) (--grid): L1, L2; L3 masked',
  'community-staff': 'own community (--community): L1, L2; L3 masked',
  'street-staff': 'own street (--street): L1, L2; L3 masked',
  'district-command': 'district (--district): L1, L2; L3 masked; L4 withheld',
  'dept-police': "district: L1, L2; L3 identity and police fields in full with a purpose; L4 police's only",
  'dept-civil-affairs': 'district: as dept-police, for civil affairs',
  'dept-governance': 'district: as dept-police, for comprehensive governance',
  'dept-city-management': 'district: as dept-police, for city management',
  'dept-market-regulation': 'district: as dept-police, for market regulation',
  'data-steward': 'district: L1; L2 sync and quality metadata; L3 masked',
  auditor: 'the audit log only',
} as const;

export type Role = keyof typeof ROLES;

/** The department a role belongs to: `dept-<connector name>` owns that connector's values. */
export function departmentOf(role: Role): string | undefined {
  return role.startsWith('dept-') ? role.slice('dept-'.length) : undefined;
}

export function isRole(name: string): name is Role {
  return Object.hasOwn(ROLES, name);
}
