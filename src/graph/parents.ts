import type { StandardAddressRow } from '../db/hub-schema.js';

/** What a DoorPlate resolves from: the plate's code and the address that carries it. */
export interface DoorPlateParent {
  code: string;
  address: StandardAddressRow;
}

export function doorPlateOf(address: StandardAddressRow): DoorPlateParent | null {
  return address.door_plate_code === null ? null : { code: address.door_plate_code, address };
}

/**
 * What a Person, Organization, Event or object resolves from: its kind and
 * natural key; everything else loads from the crosswalk and, live, the sources.
 */
export interface EntityRef {
  kind: 'PERSON' | 'ORGANIZATION' | 'EVENT' | 'OBJECT';
  key: string;
}

/** An entity in a role, as a link names it (a party to an event, an organization's legal representative). */
export interface RoleOf {
  role: string;
  entity: EntityRef;
  /** The source that stated the link: it owns the link's restricted fields (an incident's parties). */
  source: string;
}
