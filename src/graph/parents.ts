import type { Subject } from '../access/subject.js';
import type { EntityKind } from '../connectors/connector.js';
import type { StandardAddressRow } from '../db/hub-schema.js';
import type { Facet } from '../sources/facet-reader.js';

/**
 * The objects each GraphQL type resolves from (codegen's mappers), and how
 * access locates them: see `subjectOfType` in subjects.ts.
 */

/** What a DoorPlate resolves from: the plate's code and the address that carries it. */
export interface DoorPlateParent {
  code: string;
  address: StandardAddressRow;
}

export function doorPlateOf(address: StandardAddressRow): DoorPlateParent | null {
  return address.door_plate_code === null ? null : { code: address.door_plate_code, address };
}

/**
 * What a Person, Organization, Event or object resolves from: its kind,
 * natural key and owning source; everything else loads from the crosswalk
 * and, live, the sources.
 */
export interface EntityRef {
  readonly kind: EntityKind;
  readonly key: string;
  /**
   * The source that owns the entity's fields that name no department: an
   * event's or object's is the source recording it; a person or organization
   * belongs to no one source (undefined).
   */
  readonly owner: string | undefined;
  /**
   * Whether it lies in the caller's area, when the statement that found it
   * decided that too (a page's SQL, a look-up's records); undefined when not
   * known yet (an entity at a link's far end): access then asks.
   */
  readonly inArea?: boolean;
}

/** An entity in a role, as a link names it (a party to an event, an organization's legal representative). */
export interface RoleOf {
  role: string;
  entity: EntityRef;
  /** The source that stated the link: it owns the link's restricted fields (an incident's parties). */
  source: string;
}

/**
 * Set on values that carry their subject with them rather than by their type:
 * a facet (the entity it describes, the source it is from), a source's value
 * of a shared field, an entity named in a report.
 */
export const CARRIED_SUBJECT = Symbol('subject');

/** A facet as a facet type resolves from: its fields, and what it describes. */
export type FacetValue = Facet & { readonly [CARRIED_SUBJECT]: Subject };

export function facetValue(facet: Facet, entity: EntityRef | undefined, source: string): FacetValue {
  return { ...facet, [CARRIED_SUBJECT]: { entity, owner: source } };
}
