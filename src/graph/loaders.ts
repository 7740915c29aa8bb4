import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { TableMapping } from '../connectors/connector.js';
import type { CrosswalkRow, GridRow, HubSchema, RegionRow, StandardAddressRow } from '../db/hub-schema.js';
import { type Facet, readFacets } from '../sources/facet-reader.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { findRecordsOfEntities } from '../sync/crosswalk-repository.js';
import { findAddressesByCode, findAddressesByDoorPlate } from '../registry/address-repository.js';
import { findGridsByCode } from '../registry/grid-repository.js';
import { findRegionsByCode } from '../registry/region-repository.js';

/** The per-request loaders: created for each request, so batching and caching never cross callers. */
export interface Loaders {
  regionByCode: DataLoader<string, RegionRow | null>;
  gridByCode: DataLoader<string, GridRow | null>;
  addressByCode: DataLoader<string, StandardAddressRow | null>;
  addressByDoorPlate: DataLoader<string, StandardAddressRow | null>;
  /** A person's live source records, by ID number. */
  recordsOfPerson: DataLoader<string, CrosswalkRow[]>;
  /** The facet loader of one source table: one statement per batch of records. */
  facets(source: SourceDatabase, mapping: TableMapping): DataLoader<string, Facet | null>;
}

export function createLoaders(db: Kysely<HubSchema>): Loaders {
  const facetLoaders = new Map<string, DataLoader<string, Facet | null>>();
  return {
    recordsOfPerson: new DataLoader(async (keys) => {
      const rows = await findRecordsOfEntities(db, 'PERSON', keys);
      return keys.map((key) => rows.filter((row) => row.entity_key === key));
    }),
    facets(source, mapping) {
      const id = `${source.connector.name}|${mapping.table}`;
      let loader = facetLoaders.get(id);
      if (loader === undefined) {
        loader = new DataLoader(async (recordIds) => {
          const facets = await readFacets(source, mapping, recordIds);
          return recordIds.map((recordId) => facets.get(recordId) ?? null);
        });
        facetLoaders.set(id, loader);
      }
      return loader;
    },
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
