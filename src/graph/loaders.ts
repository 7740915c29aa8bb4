import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { GridRow, HubSchema, RegionRow, StandardAddressRow } from '../db/hub-schema.js';
import { findAddressesByCode, findAddressesByDoorPlate } from '../registry/address-repository.js';
import { findGridsByCode } from '../registry/grid-repository.js';
import { findRegionsByCode } from '../registry/region-repository.js';

/** The per-request loaders: created for each request, so batching and caching never cross callers. */
export interface Loaders {
  regionByCode: DataLoader<string, RegionRow | null>;
  gridByCode: DataLoader<string, GridRow | null>;
  addressByCode: DataLoader<string, StandardAddressRow | null>;
  addressByDoorPlate: DataLoader<string, StandardAddressRow | null>;
}

export function createLoaders(db: Kysely<HubSchema>): Loaders {
  return {
    regionByCode: keyedLoader((codes) => findRegionsByCode(db, codes), (row) => row.code),
    gridByCode: keyedLoader((codes) => findGridsByCode(db, codes), (row) => row.code),
    addressByCode: keyedLoader((codes) => findAddressesByCode(db, codes), (row) => row.code),
    addressByDoorPlate: keyedLoader((plates) => findAddressesByDoorPlate(db, plates), (row) => row.door_plate_code!),
  };
}

/** A loader over a fetch-by-keys query: one statement per batch, results back in key order, null where missing. */
function keyedLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}
