import type { AddressLevel, GridKind } from '../db/hub-schema.js';

/** One row of a registry file as read: its 1-based line number and its cells by column name. */
export interface SourceRow {
  readonly line: number;
  readonly values: Readonly<Record<string, string | undefined>>;
}

/** A named stream of rows: a CSV file, or rows the demo generator makes. */
export interface RowSource {
  /** Shown in errors, e.g. `addresses.csv`. */
  readonly name: string;
  readonly rows: AsyncIterable<SourceRow> | Iterable<SourceRow>;
}

/** What is wrong with one row (or with the file, at line 0). */
export interface RowProblem {
  readonly file: string;
  readonly line: number;
  readonly field?: string;
  readonly reason: string;
}

/** The five administrative names a row carries, with the community's 12-digit code. */
export interface DivisionNames {
  province: string;
  city: string;
  district: string;
  street: string;
  community: string;
  division_code: string;
}

/** A validated row of grids.csv. */
export interface GridRecord extends DivisionNames {
  line: number;
  grid_code: string;
  name: string;
  kind: GridKind;
}

/** A validated row of addresses.csv, its level derived from what is filled. */
export interface AddressRecord extends DivisionNames {
  line: number;
  address_code: string;
  level: AddressLevel;
  road: string;
  road_number: string;
  compound: string | null;
  building: string | null;
  unit: string | null;
  floor: string | null;
  room: string | null;
  door_plate_code: string | null;
  grid_code: string | null;
  longitude: number | null;
  latitude: number | null;
}

export const GRID_COLUMNS = [
  'grid_code', 'name', 'province', 'city', 'district', 'street', 'community', 'division_code', 'kind',
] as const;

export const ADDRESS_COLUMNS = [
  'address_code', 'province', 'city', 'district', 'street', 'community', 'division_code', 'road', 'road_number',
  'compound', 'building', 'unit', 'floor', 'room', 'door_plate_code', 'grid_code', 'longitude', 'latitude',
] as const;
