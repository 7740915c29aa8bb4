import type { AddressLevel, GridKind } from '../db/hub-schema.js';
import type { AddressRecord, DivisionNames, GridRecord, RowProblem, SourceRow } from './registry-records.js';

/** Codes of the registry (address, grid, door plate): letters, digits, `-` and `_`, at most 64. */
export const REGISTRY_CODE = /^[A-Za-z0-9_-]{1,64}$/;
const DIVISION_CODE = /^\d{12}$/;
const GRID_KINDS: readonly GridKind[] = ['RESIDENTIAL', 'DEDICATED'];

type Parsed<T> = { record: T; problems?: undefined } | { record?: undefined; problems: RowProblem[] };

/** Reads cells of one row, collecting every problem rather than stopping at the first. */
class RowReader {
  readonly problems: RowProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly row: SourceRow,
  ) {}

  /** The trimmed cell, with full-width letters and digits folded to ASCII; null when empty. */
  optional(field: string): string | null {
    const raw = this.row.values[field];
    if (raw === undefined) return null;
    const value = raw.normalize('NFKC').trim();
    return value === '' ? null : value;
  }

  required(field: string): string {
    const value = this.optional(field);
    if (value === null) this.problem(field, 'is required');
    return value ?? '';
  }

  code(field: string, pattern: RegExp, expected: string, required: boolean): string | null {
    const value = required ? this.required(field) : this.optional(field);
    if (value !== null && value !== '' && !pattern.test(value)) this.problem(field, `"${value}" is not ${expected}`);
    return value;
  }

  coordinate(field: string, min: number, max: number): number | null {
    const value = this.optional(field);
    if (value === null) return null;
    const number = Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      this.problem(field, `"${value}" is not a number from ${min} to ${max}`);
      return null;
    }
    return number;
  }

  problem(field: string | undefined, reason: string): void {
    this.problems.push({ file: this.file, line: this.row.line, field, reason: field ? `${field} ${reason}` : reason });
  }

  divisionNames(): DivisionNames {
    return {
      province: this.required('province'),
      city: this.required('city'),
      district: this.required('district'),
      street: this.required('street'),
      community: this.required('community'),
      division_code: this.code('division_code', DIVISION_CODE, 'a 12-digit community code', true) ?? '',
    };
  }

  result<T>(record: T): Parsed<T> {
    return this.problems.length > 0 ? { problems: this.problems } : { record };
  }
}

/** One row of grids.csv, or what is wrong with it. */
export function parseGridRow(file: string, row: SourceRow): Parsed<GridRecord> {
  const cells = new RowReader(file, row);
  const grid_code = cells.code('grid_code', REGISTRY_CODE, 'a grid code (letters, digits, - and _)', true) ?? '';
  const name = cells.required('name');
  const names = cells.divisionNames();
  const kind = (cells.optional('kind')?.toUpperCase() ?? 'RESIDENTIAL') as GridKind;
  if (!GRID_KINDS.includes(kind)) cells.problem('kind', `"${kind}" is not RESIDENTIAL or DEDICATED`);
  return cells.result({ line: row.line, grid_code, name, kind, ...names });
}

/** One row of addresses.csv, or what is wrong with it. Its level follows from what is filled (docs/design.md §3.1). */
export function parseAddressRow(file: string, row: SourceRow): Parsed<AddressRecord> {
  const cells = new RowReader(file, row);
  const address_code = cells.code('address_code', REGISTRY_CODE, 'an address code (letters, digits, - and _)', true) ?? '';
  const names = cells.divisionNames();
  const road = cells.required('road');
  const road_number = cells.required('road_number');
  const compound = cells.optional('compound');
  const building = cells.optional('building');
  const unit = cells.optional('unit');
  const floor = cells.optional('floor');
  const room = cells.optional('room');
  const door_plate_code = cells.code('door_plate_code', REGISTRY_CODE, 'a door-plate code (letters, digits, - and _)', false);
  const grid_code = cells.code('grid_code', REGISTRY_CODE, 'a grid code (letters, digits, - and _)', false);
  const longitude = cells.coordinate('longitude', -180, 180);
  const latitude = cells.coordinate('latitude', -90, 90);
  if ((cells.optional('longitude') === null) !== (cells.optional('latitude') === null)) cells.problem(undefined, 'longitude and latitude go together: give both or neither');
  if (room !== null && building === null) cells.problem('room', 'is given without a building');
  if (room === null && unit !== null) cells.problem('unit', 'is given without a room');
  if (room === null && floor !== null) cells.problem('floor', 'is given without a room');
  const level: AddressLevel = building === null ? 'DOOR' : room === null ? 'BUILDING' : 'ROOM';
  return cells.result({
    line: row.line, address_code, level, ...names, road, road_number, compound, building, unit, floor, room,
    door_plate_code, grid_code, longitude, latitude,
  });
}
