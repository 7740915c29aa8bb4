import {
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isAbstractType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import type { FieldRule } from './classification.js';
import { decide } from './policy.js';
import { roleNames } from './roles.js';
import type { Viewer } from './viewer.js';

/**
 * One kind of caller, as far as field decisions go: one role of an installation
 * with these departments, with or without a purpose. The anonymous view is not among them: a document asking it for
 * anything but `@public` fields is refused before it runs (public-view.ts).
 */
function viewerClasses(departments: readonly string[]): Viewer[] {
  const classes: Viewer[] = [];
  for (const role of roleNames(departments)) {
    for (const purpose of [undefined, 'schema check']) {
      classes.push({ subject: 'schema-check', anonymous: false, roles: [role], scope: { grids: [], communities: [], streets: [], districts: [], everywhere: false }, purpose });
    }
  }
  return classes;
}

/**
 * A field the access rules can deny (FORBIDDEN, the value `null`) to a caller
 * who can reach it must be nullable: a denied non-null field would null its
 * parent, and with it everything else the caller may see (a steward's whole
 * `dataQuality`). Checked when the schema is built, for each kind of caller
 * over the fields it can reach from `Query`; a schema that breaks it does not
 * start. A field may be denied when its rule denies the caller for some owning
 * department, when it filters on a field the caller does not see in full, or
 * when it holds a value of another field (`@valueOfField`).
 */
export function assertDeniableFieldsNullable(
  schema: GraphQLSchema,
  rules: ReadonlyMap<string, FieldRule>,
  filters: ReadonlyMap<string, ReadonlyMap<string, string>>,
  departments: readonly string[],
): void {
  const owners = [undefined, ...departments];
  const offenders = new Map<string, Set<string>>();
  for (const viewer of viewerClasses(departments)) {
    const who = `${viewer.roles[0]}${viewer.purpose ? ' with a purpose' : ''}`;
    const seen = new Set<string>();
    const queue: GraphQLNamedType[] = [schema.getQueryType()!];
    while (queue.length > 0) {
      const type = queue.pop()!;
      if (seen.has(type.name)) continue;
      seen.add(type.name);
      if (isAbstractType(type)) {
        queue.push(...schema.getPossibleTypes(type));
        continue;
      }
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        const rule = rules.get(coordinate);
        if (rule === undefined) continue;
        const decisions = rule.valueOf ? ['DENIED'] : owners.map((owner) => decide(viewer, rule, rule.department ?? owner));
        const filterDenied = [...(filters.get(coordinate)?.values() ?? [])].some((target) => {
          const targetRule = rules.get(target);
          return targetRule === undefined || decide(viewer, targetRule, undefined) !== 'FULL';
        });
        if ((decisions.includes('DENIED') || filterDenied) && isNonNullType(field.type)) {
          if (!offenders.has(coordinate)) offenders.set(coordinate, new Set());
          offenders.get(coordinate)!.add(who);
        }
        if (decisions.some((decision) => decision !== 'DENIED')) queue.push(getNamedType(field.type));
      }
    }
  }
  if (offenders.size > 0) {
    const list = [...offenders].map(([coordinate, who]) => `${coordinate} (denied to ${[...who].join(', ')})`);
    throw new Error(`fields the access rules can deny must be nullable, or a denial nulls their parent: ${list.join('; ')}`);
  }
}
