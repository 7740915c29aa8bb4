import type { AddressLevel } from '../db/hub-schema.js';
import type { AddressIndex, IndexedBuilding, IndexedDoor, IndexedRoom } from './address-index.js';
import type { NameMeaning } from './gazetteer.js';
import type { ParsedAddress } from './address-parser.js';

export type ResolutionStatus = 'MATCHED' | 'PARTIAL' | 'AMBIGUOUS' | 'UNMATCHED';

/** What a text resolved to (docs/design.md §3.2). */
export interface Resolution {
  readonly status: ResolutionStatus;
  /** The chosen standard address: MATCHED and PARTIAL only. */
  readonly code: string | null;
  readonly level: AddressLevel | null;
  /** 0–1: 0 when nothing was chosen. */
  readonly confidence: number;
  /** The addresses the text fits equally well: AMBIGUOUS only. */
  readonly candidates: readonly string[];
  /** Why it is not MATCHED, for a data steward; null when MATCHED. */
  readonly reason: string | null;
}

interface Found {
  code: string;
  level: AddressLevel;
  /** True when the text names nothing finer than what was found. */
  complete: boolean;
  /** Set when the finest level the text names fits several addresses (a room number in two units). */
  alternatives?: readonly IndexedRoom[];
  missing?: string;
}

/**
 * Picks the standard address a parsed text names. Precision first: a door is
 * found by road and number (or by compound) and must agree with every other
 * name in the text; two doors that both agree are AMBIGUOUS, never a guess; a
 * road, number or region the registry lacks is UNMATCHED, never the nearest one.
 */
export function matchAddress(parsed: ParsedAddress, index: AddressIndex): Resolution {
  if (index.size === 0) return unmatched('the registry is empty: import one with `gridgraph registry import`');
  // Next to, across from or 50 m from a door is not that door.
  if (parsed.offset !== undefined) return unmatched(`names a place off the address (${parsed.offset}), not the address itself`);
  if (parsed.unknownPlace !== undefined) return unmatched(`names a place the registry does not have: ${parsed.unknownPlace}`);

  let doors: readonly IndexedDoor[];
  if (parsed.road !== undefined && parsed.roadNumber !== undefined) {
    doors = index.doorsAt(parsed.road, parsed.roadNumber);
    if (doors.length === 0) return unmatched(`no door ${parsed.road} ${parsed.roadNumber}号 in the registry`);
  } else if (parsed.compounds.length > 0) {
    doors = [...new Set(parsed.compounds.flatMap((compound) => index.doorsOfCompound(compound)))];
  } else {
    return unmatched(parsed.mentions.some((m) => m.meanings.some((meaning) => meaning.kind === 'ROAD'))
      ? 'a road without a door number'
      : 'no known road with a door number, and no known compound');
  }

  const agreeing = doors.filter((door) => parsed.mentions.every((mention) => mention.meanings.some((meaning) => fits(meaning, door))));
  if (agreeing.length === 0) {
    const names = parsed.mentions.map((m) => m.name).join(' ');
    return unmatched(`the names in the text (${names}) do not fit one door of the registry`);
  }

  let found = agreeing.map((door) => descend(door, parsed));
  // A compound with several gates in one district: when the text's building is behind exactly
  // one of them (蔚蓝苑8号楼), that gate is the one address that fits. Only the building decides:
  // a room missing from one gate's building is a gap in the registry (PARTIAL), not another place.
  if (found.length > 1 && parsed.road === undefined && parsed.building !== undefined
    && new Set(agreeing.map((door) => door.districtCode)).size === 1) {
    const withBuilding = agreeing.filter((door) => door.buildings.has(parsed.building!));
    if (withBuilding.length === 1) found = [descend(withBuilding[0], parsed)];
  }
  if (found.length > 1) {
    return {
      status: 'AMBIGUOUS',
      code: null,
      level: null,
      confidence: round(1 / found.length),
      candidates: found.map((f) => f.code).sort(),
      reason: `${found.length} doors fit and the text does not say which (name the district, street or community)`,
    };
  }
  const [only] = found;
  if (only.alternatives !== undefined) {
    return {
      status: 'AMBIGUOUS',
      code: null,
      level: null,
      confidence: round(1 / only.alternatives.length),
      candidates: only.alternatives.map((room) => room.code).sort(),
      reason: `room ${parsed.room} is in ${only.alternatives.length} units of the building; name the unit`,
    };
  }
  // Digits left unread after the door name something finer than what was found.
  const complete = only.complete && !parsed.unreadNumbers;
  const confidence = (complete ? 1 : 0.75) - penalty(parsed);
  return {
    status: complete ? 'MATCHED' : 'PARTIAL',
    code: only.code,
    level: only.level,
    confidence: round(confidence),
    candidates: [],
    reason: complete ? null
      : only.complete ? `part of the text after the door could not be read (${parsed.leftover.join(' ')}); the finest part read is returned`
      : `${only.missing} is not in the registry; the nearest existing ancestor is returned`,
  };
}

function fits(meaning: NameMeaning, door: IndexedDoor): boolean {
  switch (meaning.kind) {
    case 'REGION':
      return door.regionCodes.has(meaning.code);
    case 'ROAD':
      return door.road === meaning.road;
    case 'COMPOUND':
      return door.compounds.has(meaning.compound);
  }
}

/** From a door down to the finest level the text names that exists. */
function descend(door: IndexedDoor, parsed: ParsedAddress): Found {
  const atDoor = (missing?: string): Found => ({ code: door.code, level: 'DOOR', complete: missing === undefined, missing });
  if (parsed.building === undefined) {
    return parsed.room === undefined && parsed.unit === undefined ? atDoor() : atDoor(`a room or unit without a building`);
  }
  const building = door.buildings.get(parsed.building);
  if (building === undefined) return atDoor(`building ${parsed.building}`);
  const atBuilding = (missing?: string): Found => ({ code: building.code, level: 'BUILDING', complete: missing === undefined, missing });
  if (parsed.room === undefined) {
    if (parsed.unit !== undefined && !building.units.has(parsed.unit)) return atBuilding(`unit ${parsed.unit}`);
    return atBuilding();
  }
  const rooms = roomsFor(building, parsed).filter((room) => parsed.floor === undefined || room.floor === null || room.floor === parsed.floor);
  if (rooms.length === 0) return atBuilding(`room ${parsed.unit === undefined ? '' : `${parsed.unit}-`}${parsed.room}`);
  if (rooms.length > 1) return { ...atBuilding(), alternatives: rooms };
  return { code: rooms[0].code, level: 'ROOM', complete: true };
}

function roomsFor(building: IndexedBuilding, parsed: ParsedAddress): IndexedRoom[] {
  const number = parsed.room!;
  if (parsed.unit === undefined) return building.roomsByNumber.get(number) ?? [];
  const room = building.rooms.get(`${parsed.unit}|${number}`);
  if (room !== undefined) return [room];
  // A building without units registers its rooms with none; "1单元" then means the only one.
  if (parsed.unit === '1' && building.units.size === 1 && building.units.has('')) {
    const unitless = building.rooms.get(`|${number}`);
    return unitless === undefined ? [] : [unitless];
  }
  return [];
}

/** Less certain when the text names no region at all, or carries text nothing could read. */
function penalty(parsed: ParsedAddress): number {
  const namesRegion = parsed.mentions.some((m) => m.meanings.some((meaning) => meaning.kind === 'REGION'));
  return (namesRegion ? 0 : 0.05) + Math.min(parsed.leftover.length * 0.05, 0.15) + (parsed.road === undefined ? 0.05 : 0);
}

function unmatched(reason: string): Resolution {
  return { status: 'UNMATCHED', code: null, level: null, confidence: 0, candidates: [], reason };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
