import type { Kysely } from 'kysely';
import { formatFullText } from './full-text.js';
import type { HubSchema, RegionRow } from '../db/hub-schema.js';
import { BULK_CHANGE, refreshStatistics } from '../db/planner-statistics.js';
import { type AddressWrite, findAddressesAtDoors, findDoorPlateHolders, upsertAddresses } from './address-repository.js';
import { regionsOf } from './division.js';
import { findExistingGridCodes, upsertGrids } from './grid-repository.js';
import { upsertRegions } from './region-repository.js';
import { bumpRegistryRevision } from './registry-state-repository.js';
import type { AddressRecord, GridRecord, RowProblem, RowSource } from './registry-records.js';
import { RegistryImportError } from './registry-import-error.js';
import { parseAddressRow, parseGridRow } from './row-validation.js';

/** Where a long import is; reported every few thousand rows. */
export interface ImportProgress {
  readonly phase: 'read' | 'check' | 'write';
  readonly file: string;
  readonly done: number;
  /** Known once the file has been read. */
  readonly total?: number;
}

export interface ImportOptions {
  /** Called as the import advances, for a progress bar. */
  onProgress?: (progress: ImportProgress) => void;
  /** Validate everything against the registry, write nothing. @default false */
  dryRun?: boolean;
}

/** What one file did to the registry. */
export interface FileSummary {
  readonly rows: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
}

export interface ImportSummary {
  readonly grids: FileSummary;
  readonly addresses: FileSummary;
  /** Regions (province … community) the files name. */
  readonly regions: number;
  readonly dryRun: boolean;
}

const WRITE_CHUNK = 5_000;
const PROGRESS_EVERY = 5_000;

/**
 * Imports grids and addresses (DESIGN §3) in one transaction: every row of both
 * files is validated first, against each other and against the registry, and
 * any problem rejects the import whole with every bad row's line and reason,
 * leaving the registry as it was. Rows upsert by code; re-importing the same
 * files changes nothing.
 */
export async function importRegistry(
  db: Kysely<HubSchema>,
  sources: { grids?: RowSource; addresses?: RowSource },
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const report = options.onProgress ?? (() => {});
  const problems: RowProblem[] = [];
  const grids = await readRecords(sources.grids, parseGridRow, (g) => g.grid_code, 'grid_code', problems, report);
  const addresses = await readRecords(sources.addresses, parseAddressRow, (a) => a.address_code, 'address_code', problems, report);
  const regions = collectRegions(
    { file: sources.grids?.name ?? 'grids', records: grids },
    { file: sources.addresses?.name ?? 'addresses', records: addresses },
    problems,
  );

  const summary = await db.transaction().execute(async (trx) => {
    const addressFile = sources.addresses?.name ?? 'addresses';
    report({ phase: 'check', file: addressFile, done: 0, total: addresses.length });
    const writes = await planAddresses(trx, addressFile, addresses, grids, problems);
    if (problems.length > 0) throw new RegistryImportError(sortByPlace(problems));

    const gridSummary = { rows: grids.length, inserted: 0, updated: 0 };
    const addressSummary = { rows: addresses.length, inserted: 0, updated: 0 };
    {
      const regionsChanged = await upsertRegions(trx, regions);
      Object.assign(gridSummary, await upsertGrids(trx, grids.map(gridWrite)));
      for (let start = 0; start < writes.length; start += WRITE_CHUNK) {
        const counts = await upsertAddresses(trx, writes.slice(start, start + WRITE_CHUNK));
        addressSummary.inserted += counts.inserted;
        addressSummary.updated += counts.updated;
        report({ phase: 'write', file: addressFile, done: Math.min(start + WRITE_CHUNK, writes.length), total: writes.length });
      }
      const changed = gridSummary.inserted + gridSummary.updated + addressSummary.inserted + addressSummary.updated;
      if (changed + regionsChanged > 0) await bumpRegistryRevision(trx);
    }
    const result = {
      grids: withUnchanged(gridSummary),
      addresses: withUnchanged(addressSummary),
      regions: regions.length,
      dryRun: options.dryRun ?? false,
    };
    // A dry run writes exactly what an import would, for its exact counts, then rolls it all back.
    if (options.dryRun) throw new DryRunRollback(result);
    return result;
  }).catch((error: unknown) => {
    if (error instanceof DryRunRollback) return error.summary;
    throw error;
  });
  if (summary.dryRun) return summary;
  const changed = summary.grids.inserted + summary.grids.updated + summary.addresses.inserted + summary.addresses.updated;
  if (changed >= BULK_CHANGE) await refreshStatistics(db, ['region', 'grid', 'standard_address']);
  return summary;
}

/** Reads and validates one file's rows; a code given twice is a problem at its second line. */
async function readRecords<T extends { line: number }>(
  source: RowSource | undefined,
  parse: (file: string, row: { line: number; values: Record<string, string | undefined> }) => { record?: T; problems?: RowProblem[] },
  keyOf: (record: T) => string,
  keyField: string,
  problems: RowProblem[],
  report: (progress: ImportProgress) => void,
): Promise<T[]> {
  if (source === undefined) return [];
  const records: T[] = [];
  const firstLine = new Map<string, number>();
  try {
    for await (const row of source.rows) {
      const parsed = parse(source.name, row);
      if (parsed.problems) {
        problems.push(...parsed.problems);
        continue;
      }
      const record = parsed.record!;
      const seen = firstLine.get(keyOf(record));
      if (seen !== undefined) {
        problems.push({ file: source.name, line: record.line, field: keyField, reason: `${keyField} "${keyOf(record)}" is also at line ${seen}` });
        continue;
      }
      firstLine.set(keyOf(record), record.line);
      records.push(record);
      if (records.length % PROGRESS_EVERY === 0) report({ phase: 'read', file: source.name, done: records.length });
    }
  } catch (error) {
    if (!(error instanceof RegistryImportError)) throw error;
    problems.push(...error.problems);
  }
  report({ phase: 'read', file: source.name, done: records.length, total: records.length });
  return records;
}

/** The regions both files imply; one code named two ways is a problem at the later row. */
function collectRegions(
  grids: FileRecords<GridRecord>,
  addresses: FileRecords<AddressRecord>,
  problems: RowProblem[],
): RegionRow[] {
  const regions = new Map<string, { region: RegionRow; file: string; line: number }>();
  for (const { file, records } of [grids, addresses]) {
    for (const record of records) {
      for (const region of regionsOf(record)) {
        const known = regions.get(region.code);
        if (known === undefined) {
          regions.set(region.code, { region, file, line: record.line });
        } else if (known.region.name !== region.name) {
          problems.push({
            file,
            line: record.line,
            field: 'division_code',
            reason: `${region.level.toLowerCase()} ${region.code} is named "${region.name}" here but "${known.region.name}" at ${known.file}:${known.line}`,
          });
        }
      }
    }
  }
  return [...regions.values()].map((entry) => entry.region);
}

interface FileRecords<T> {
  file: string;
  records: readonly T[];
}

/** Where an address sits among its siblings: its door, building or room, within its district. */
function doorKey(districtCode: string, road: string, roadNumber: string): string {
  return `${districtCode}|${road}|${roadNumber}`;
}

function placeKey(address: { level: string; building: string | null; unit: string | null; room: string | null }, door: string): string {
  if (address.level === 'DOOR') return door;
  if (address.level === 'BUILDING') return `${door}|${address.building}`;
  return `${door}|${address.building}|${address.unit ?? ''}|${address.room}`;
}

function parentKey(address: AddressRecord, door: string): string | null {
  if (address.level === 'DOOR') return null;
  if (address.level === 'BUILDING') return door;
  return `${door}|${address.building}`;
}

function describePlace(address: Pick<AddressRecord, 'district' | 'road' | 'road_number' | 'building'>, level: 'DOOR' | 'BUILDING'): string {
  const door = `${address.district} ${address.road} ${address.road_number}号`;
  return level === 'DOOR' ? door : `${door} ${address.building}栋`;
}

/**
 * Checks the addresses against each other and against the registry — one
 * address per door, building or room; a parent for every building and room; a
 * known grid; a door plate on one address only — and returns the rows to write.
 */
async function planAddresses(
  db: Kysely<HubSchema>,
  file: string,
  addresses: readonly AddressRecord[],
  grids: readonly GridRecord[],
  problems: RowProblem[],
): Promise<AddressWrite[]> {
  const inFile = new Set(addresses.map((a) => a.address_code));
  const doors = new Map<string, { districtCode: string; road: string; roadNumber: string }>();
  for (const a of addresses) {
    const districtCode = a.division_code.slice(0, 6);
    doors.set(doorKey(districtCode, a.road, a.road_number), { districtCode, road: a.road, roadNumber: a.road_number });
  }
  const registered = (await findAddressesAtDoors(db, [...doors.values()])).filter((row) => !inFile.has(row.code));

  // Every place (door, building, room) and who holds it: a row of this file, or the registry.
  const places = new Map<string, { code: string; line?: number }>();
  for (const row of registered) places.set(placeKey(row, doorKey(row.district_code, row.road, row.road_number)), { code: row.code });
  for (const a of addresses) {
    const key = placeKey(a, doorKey(a.division_code.slice(0, 6), a.road, a.road_number));
    const holder = places.get(key);
    if (holder !== undefined) {
      const where = holder.line !== undefined ? `line ${holder.line}` : `the registry (address ${holder.code})`;
      problems.push({ file, line: a.line, reason: `the same ${a.level.toLowerCase()} is already at ${where}` });
    } else {
      places.set(key, { code: a.address_code, line: a.line });
    }
  }

  const knownGrids = new Set(grids.map((g) => g.grid_code));
  const referenced = [...new Set(addresses.flatMap((a) => (a.grid_code !== null && !knownGrids.has(a.grid_code) ? [a.grid_code] : [])))];
  for (const code of await findExistingGridCodes(db, referenced)) knownGrids.add(code);

  const plateLines = new Map<string, number>();
  const holders = await findDoorPlateHolders(db, addresses.flatMap((a) => (a.door_plate_code === null ? [] : [a.door_plate_code])));

  const writes: AddressWrite[] = [];
  for (const a of addresses) {
    const door = doorKey(a.division_code.slice(0, 6), a.road, a.road_number);
    const parentPlace = parentKey(a, door);
    const parent = parentPlace === null ? undefined : places.get(parentPlace);
    if (parentPlace !== null && parent === undefined) {
      const level = a.level === 'BUILDING' ? 'DOOR' : 'BUILDING';
      problems.push({ file, line: a.line, reason: `no ${level.toLowerCase()} address ${describePlace(a, level)} in this file or the registry` });
    }
    if (a.grid_code !== null && !knownGrids.has(a.grid_code)) {
      problems.push({ file, line: a.line, field: 'grid_code', reason: `grid_code "${a.grid_code}" is not in the grids file or the registry` });
    }
    if (a.door_plate_code !== null) {
      const earlier = plateLines.get(a.door_plate_code);
      const holder = holders.get(a.door_plate_code);
      if (earlier !== undefined) {
        problems.push({ file, line: a.line, field: 'door_plate_code', reason: `door_plate_code "${a.door_plate_code}" is also at line ${earlier}` });
      } else if (holder !== undefined && holder !== a.address_code && !inFile.has(holder)) {
        problems.push({ file, line: a.line, field: 'door_plate_code', reason: `door_plate_code "${a.door_plate_code}" already belongs to address ${holder}` });
      }
      plateLines.set(a.door_plate_code, a.line);
    }
    writes.push(addressWrite(a, parent?.code ?? null));
  }
  return writes;
}

function addressWrite(a: AddressRecord, parentCode: string | null): AddressWrite {
  return {
    code: a.address_code, level: a.level, province: a.province, city: a.city, district: a.district, street: a.street,
    community: a.community, division_code: a.division_code, road: a.road, road_number: a.road_number,
    compound: a.compound, building: a.building, unit: a.unit, floor: a.floor, room: a.room, parent_code: parentCode,
    grid_code: a.grid_code, door_plate_code: a.door_plate_code, longitude: a.longitude, latitude: a.latitude,
    full_text: formatFullText(a),
  };
}

function gridWrite(g: GridRecord) {
  return { code: g.grid_code, name: g.name, kind: g.kind, community_code: g.division_code };
}

/** Thrown out of a dry run's transaction to roll back its writes, carrying what they would have done. */
class DryRunRollback extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run');
  }
}

function withUnchanged(summary: { rows: number; inserted: number; updated: number }): FileSummary {
  return { ...summary, unchanged: summary.rows - summary.inserted - summary.updated };
}

function sortByPlace(problems: RowProblem[]): RowProblem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
