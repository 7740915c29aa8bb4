import type { FieldRule } from './classification.js';
import { departmentOf, type Role } from './roles.js';
import type { Viewer } from './viewer.js';

/** What a caller gets of one field: the value, its mask, or nothing (FORBIDDEN). */
export type Decision = 'FULL' | 'MASKED' | 'DENIED';

const RANK: Record<Decision, number> = { DENIED: 0, MASKED: 1, FULL: 2 };

/**
 * The role table of docs/design.md §5.3, for one field and one role. `owner` is the department
 * owning the value (the rule's, or for Event and object fields the entity's
 * source). "Masked" on a field that declares no mask means withheld.
 */
function decideForRole(role: Role, viewer: Viewer, rule: FieldRule, owner: string | undefined): Decision {
  if (rule.domain === 'STRUCTURE') return 'FULL';
  if (rule.domain === 'AUDIT') return role === 'auditor' ? 'FULL' : 'DENIED';
  if (role === 'auditor') return 'DENIED';
  switch (rule.level) {
    case 'L1':
      return 'FULL';
    case 'L2':
      return role !== 'data-steward' || rule.domain === 'METADATA' ? 'FULL' : 'DENIED';
    case 'L3': {
      const department = departmentOf(role);
      return sensitive(viewer, department !== undefined && (rule.identity || department === owner));
    }
    case 'L4': {
      const department = departmentOf(role);
      const own = department !== undefined && department === owner;
      // A count says nothing about anyone: district command and the owning department see it without a purpose.
      if (rule.aggregate) return own || role === 'district-command' ? 'FULL' : 'DENIED';
      return own ? sensitive(viewer, true) : 'DENIED';
    }
  }
}

/** An L3/L4 value: in full to its own department with a stated purpose, else masked. */
function sensitive(viewer: Viewer, own: boolean): Decision {
  return own && viewer.purpose !== undefined ? 'FULL' : 'MASKED';
}

/** Decisions already taken for a viewer (one request): by field rule, then owning department. */
const decided = new WeakMap<Viewer, Map<FieldRule, Map<string | undefined, Decision>>>();

/**
 * The most permissive decision any of the viewer's roles gives; the anonymous
 * view sees `@public` fields only. Taken once per viewer, field and owner: a
 * dossier asks the same question for every resident.
 */
export function decide(viewer: Viewer, rule: FieldRule, owner: string | undefined): Decision {
  let byRule = decided.get(viewer);
  if (byRule === undefined) decided.set(viewer, (byRule = new Map()));
  let byOwner = byRule.get(rule);
  if (byOwner === undefined) byRule.set(rule, (byOwner = new Map()));
  let decision = byOwner.get(owner);
  if (decision === undefined) byOwner.set(owner, (decision = decideOnce(viewer, rule, owner)));
  return decision;
}

function decideOnce(viewer: Viewer, rule: FieldRule, owner: string | undefined): Decision {
  let decision: Decision;
  if (viewer.anonymous) decision = rule.public === undefined ? 'DENIED' : rule.public.mask === undefined ? 'FULL' : 'MASKED';
  else {
    decision = 'DENIED';
    for (const role of viewer.roles) {
      const forRole = decideForRole(role, viewer, rule, owner);
      if (RANK[forRole] > RANK[decision]) decision = forRole;
    }
  }
  return decision === 'MASKED' && maskOf(viewer, rule) === undefined ? 'DENIED' : decision;
}

/** The mask that applies: the anonymous view's own, else the field's. */
export function maskOf(viewer: Viewer, rule: FieldRule) {
  return viewer.anonymous ? rule.public?.mask : rule.mask;
}
