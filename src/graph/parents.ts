import type { StandardAddressRow } from '../db/hub-schema.js';

/** What a DoorPlate resolves from: the plate's code and the address that carries it. */
export interface DoorPlateParent {
  code: string;
  address: StandardAddressRow;
}

export function doorPlateOf(address: StandardAddressRow): DoorPlateParent | null {
  return address.door_plate_code === null ? null : { code: address.door_plate_code, address };
}

/** What a Person resolves from: the ID number; everything else loads from the crosswalk and the sources. */
export interface PersonParent {
  idNumber: string;
}
