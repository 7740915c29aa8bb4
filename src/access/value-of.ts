import type { EntityRef } from '../graph/parents.js';

/**
 * Set on an object one of whose fields is declared `@valueOfField`: which field the
 * value really is a value of (a conflict's value is a `Person.name` or a
 * `Person.phone`; a quality example's key is a `Person.idNumber`), which
 * department gave it, and the entity it describes. The value is decided,
 * masked and audited as that field; an object without it shows nothing.
 */
export const VALUE_OF = Symbol('valueOf');

export interface ValueOf {
  /** `Type.field` of the field the value belongs to. */
  readonly coordinate: string;
  /** The connector that gave the value: it owns it where the field names no department. */
  readonly owner?: string;
  /** The entity the value describes, for the audit. */
  readonly entity: EntityRef;
}
