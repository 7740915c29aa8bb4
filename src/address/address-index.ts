import type { RegionRow } from '../db/hub-schema.js';
import type { IndexRow } from '../registry/address-repository.js';
import { buildingKey, floorKey, roadNumberKey, roomKey, unitKey } from './address-keys.js';
import { cleanRegistryValue } from './clean-text.js';
import { Gazetteer } from './gazetteer.js';

export type { IndexRow } from '../registry/address-repository.js';

export interface IndexedRoom {
  readonly code: string;
  readonly unit: string;
  readonly floor: string | null;
}

export interface IndexedBuilding {
  readonly code: string;
  readonly units: Set<string>;
  /** By `unit|room`. */
  readonly rooms: Map<string, IndexedRoom>;
  /** By room number alone, for texts that leave the unit out. */
  readonly roomsByNumber: Map<string, IndexedRoom[]>;
}

export interface IndexedDoor {
  readonly code: string;
  readonly road: string;
  readonly roadNumber: string;
  /** The district's code: a compound's gates in one district are taken for one compound. */
  readonly districtCode: string;
  /** Codes of the five regions the door lies in, province to community. */
  readonly regionCodes: ReadonlySet<string>;
  /** Compounds (小区) at this door: its own and its buildings'. */
  readonly compounds: Set<string>;
  /** By building key. */
  readonly buildings: Map<string, IndexedBuilding>;
}

/**
 * The registry in memory, shaped for resolution: doors by road and number and
 * by compound, each door's buildings, each building's rooms, and the gazetteer
 * of names. Built once from the registry, rebuilt when it changes.
 */
export class AddressIndex {
  readonly gazetteer = new Gazetteer();
  private readonly doorsByNumber = new Map<string, IndexedDoor[]>();
  private readonly doorsByCompound = new Map<string, IndexedDoor[]>();
  /** Addresses indexed, all levels. */
  size = 0;

  /** Doors on `road` with this road-number key, in every district. */
  doorsAt(road: string, numberKey: string): readonly IndexedDoor[] {
    return this.doorsByNumber.get(`${road}|${numberKey}`) ?? [];
  }

  /** Doors of every compound of this name. */
  doorsOfCompound(compound: string): readonly IndexedDoor[] {
    return this.doorsByCompound.get(compound) ?? [];
  }

  static build(regions: readonly RegionRow[], rows: readonly IndexRow[]): AddressIndex {
    const index = new AddressIndex();
    for (const region of regions) index.gazetteer.addRegion(region);
    const doors = new Map<string, IndexedDoor>();
    const buildings = new Map<string, { building: IndexedBuilding; door: IndexedDoor }>();
    for (const row of rows) if (row.level === 'DOOR') doors.set(row.code, index.addDoor(row));
    for (const row of rows) {
      if (row.level !== 'BUILDING') continue;
      const door = row.parent_code === null ? undefined : doors.get(row.parent_code);
      if (door === undefined) continue;
      const building: IndexedBuilding = { code: row.code, units: new Set(), rooms: new Map(), roomsByNumber: new Map() };
      door.buildings.set(buildingKey(row.building ?? ''), building);
      buildings.set(row.code, { building, door });
      index.addCompound(door, row.compound);
      index.size++;
    }
    for (const row of rows) {
      if (row.level !== 'ROOM') continue;
      const parent = row.parent_code === null ? undefined : buildings.get(row.parent_code);
      if (parent === undefined) continue;
      const unit = row.unit === null ? '' : unitKey(row.unit);
      const room: IndexedRoom = { code: row.code, unit, floor: row.floor === null ? null : floorKey(row.floor) };
      const number = roomKey(row.room ?? '');
      parent.building.units.add(unit);
      parent.building.rooms.set(`${unit}|${number}`, room);
      const sameNumber = parent.building.roomsByNumber.get(number);
      if (sameNumber === undefined) parent.building.roomsByNumber.set(number, [room]);
      else sameNumber.push(room);
      index.addCompound(parent.door, row.compound);
      index.size++;
    }
    return index;
  }

  private addDoor(row: IndexRow): IndexedDoor {
    const code = row.division_code;
    const door: IndexedDoor = {
      code: row.code,
      road: cleanRegistryValue(row.road),
      roadNumber: roadNumberKey(row.road_number),
      districtCode: code.slice(0, 6),
      regionCodes: new Set([`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code.slice(0, 6), code.slice(0, 9), code]),
      compounds: new Set(),
      buildings: new Map(),
    };
    const key = `${door.road}|${door.roadNumber}`;
    const sameNumber = this.doorsByNumber.get(key);
    if (sameNumber === undefined) this.doorsByNumber.set(key, [door]);
    else sameNumber.push(door);
    this.gazetteer.addRoad(door.road);
    this.addCompound(door, row.compound);
    this.size++;
    return door;
  }

  private addCompound(door: IndexedDoor, compound: string | null): void {
    if (compound === null || compound === '') return;
    const name = cleanRegistryValue(compound);
    if (door.compounds.has(name)) return;
    door.compounds.add(name);
    const doors = this.doorsByCompound.get(name);
    if (doors === undefined) this.doorsByCompound.set(name, [door]);
    else doors.push(door);
    this.gazetteer.addCompound(name);
  }
}
