import type { EntityKind, StandardAddressRow } from '../db/hub-schema.js';

/**
 * What access needs to know about a value the graph resolved: which entity it
 * is or describes, where it lies, and who owns it. The graph says it for each
 * type it serves (`SubjectOf`, built from the types' parent shapes), so access
 * never guesses from a value's shape.
 */
export interface Subject {
  /** The entity the value is or describes: named in the audit; decides the value's area. */
  readonly entity?: { readonly kind: EntityKind; readonly key: string };
  /** The address the value is or hangs off (a door plate's): decides its area. */
  readonly address?: Pick<StandardAddressRow, 'code' | 'grid_code' | 'division_code'>;
  /** The source that owns the value's fields where they name no department: an event's or object's source, the source that stated a link. */
  readonly owner?: string;
  /** Whether the value lies in the caller's area, when the statement that found it decided so already; undefined: access asks. */
  readonly inArea?: boolean;
  /**
   * For a value of a `@valueOfField` field: `Type.field` of the field it is a
   * value of (a conflict's value is a `Person.name`); that field's rule decides it.
   */
  readonly valueOfField?: string;
}

/**
 * How the graph locates a value of one of its types: `typeName` is the type
 * the value is returned as (a field's named type, or the parent type of a
 * field being resolved). Undefined when the type's values need none (regions,
 * grids, plain objects).
 */
export type SubjectOf = (typeName: string, value: unknown) => Subject | undefined;
