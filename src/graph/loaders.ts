import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { EntityKind, TableMapping } from '../connectors/connector.js';
import type { CrosswalkLinkRow, CrosswalkRow, GridRow, HubSchema, RegionRow, StandardAddressRow } from '../db/hub-schema.js';
import { withDeadline } from '../db/deadline.js';
import { sourceUnavailable } from '../errors/database-unavailable.js';
import { GridgraphError } from '../errors/gridgraph-error.js';
import { type Facet, readFacets, readFacetsWhere } from '../sources/facet-reader.js';
import type { SourceDatabase } from '../sources/source-database.js';
import type { AreaScope } from '../access/viewer.js';
import { type EntityPage, type EntityRecord, findLinks, findRecordsOfEntities, pageEntitiesAt, type PageRequest } from '../crosswalk/entity-queries.js';
import { findAddressesByDoorPlate, findAddressesWithRoomBuildings } from '../registry/address-repository.js';
import { findGridsByCode } from '../registry/grid-repository.js';
import { findRegionsByCode } from '../registry/region-repository.js';
import { observeSourceRead } from '../observability/hooks.js';
import { logWarning } from '../observability/logger.js';

/** The per-request loaders: created for each request, so batching and caching never cross callers. */
export interface Loaders {
  regionByCode: DataLoader<string, RegionRow | null>;
  gridByCode: DataLoader<string, GridRow | null>;
  addressByCode: DataLoader<string, StandardAddressRow | null>;
  addressByDoorPlate: DataLoader<string, StandardAddressRow | null>;
  /** An entity's live source records, by kind and key, in precedence order (the order the connectors are installed in). */
  records(kind: EntityKind): DataLoader<string, readonly EntityRecord[]>;
  /**
   * The same records once this request has loaded or primed them, without a
   * promise: undefined before. A dossier's fields read an entity's records
   * many times; most of them are known by then.
   */
  recordsKnown(kind: EntityKind, key: string): readonly EntityRecord[] | undefined;
  /** Records a page brought with its entities: known from now on, not loaded again. */
  primeRecords(kind: EntityKind, key: string, records: EntityRecord[]): void;
  /** Pages of the entities at an address, in the caller's area: the lists one address is asked for come in one statement. */
  entitiesAt: DataLoader<PageAtAddress, EntityPage, string>;
  /** Live links touching an entity, from its side or the other's. */
  links(side: 'from' | 'to', kind: EntityKind): DataLoader<string, CrosswalkLinkRow[]>;
  /** The facet loader of one source table: one statement per batch of records. */
  facets(source: SourceDatabase, mapping: TableMapping): DataLoader<string, Facet | null>;
  /** The facets of the records of a source table whose `column` holds the key (a grid's workers). */
  facetsWhere(source: SourceDatabase, mapping: TableMapping, column: string): DataLoader<string, Facet[]>;
}

/** One list of an address's entities. */
export interface PageAtAddress extends PageRequest {
  addressCode: string;
  includeDescendants: boolean;
}

/**
 * `sourceOrder`: the installed connectors' names, in order — records of one
 * entity are kept in that order of precedence.
 */
export function createLoaders(db: Kysely<HubSchema>, scope: AreaScope, sourceTimeoutMs = 3000, sourceOrder: readonly string[] = []): Loaders {
  // Every source's deadline in this request: SOURCE_TIMEOUT_MS from its start (see withinDeadline).
  const sourceDeadline = Date.now() + sourceTimeoutMs;
  const facetLoaders = new Map<string, DataLoader<string, Facet | null>>();
  const recordLoaders = new Map<EntityKind, DataLoader<string, readonly EntityRecord[]>>();
  const knownRecords = new Map<string, readonly EntityRecord[]>();
  const inPrecedence = (kind: EntityKind, key: string, records: EntityRecord[]) => {
    if (records.length > 1) records.sort((a, b) => sourceOrder.indexOf(a.source) - sourceOrder.indexOf(b.source));
    knownRecords.set(`${kind}|${key}`, records);
    return records;
  };
  const linkLoaders = new Map<string, DataLoader<string, CrosswalkLinkRow[]>>();
  const facetWhereLoaders = new Map<string, DataLoader<string, Facet[]>>();
  return {
    records(kind) {
      let loader = recordLoaders.get(kind);
      if (loader === undefined) {
        loader = new DataLoader(async (keys) => {
          const groups = groupBy(keys, await findRecordsOfEntities(db, kind, keys, scope), (row) => row.entity_key!);
          return groups.map((records, i) => inPrecedence(kind, keys[i], records));
        });
        recordLoaders.set(kind, loader);
      }
      return loader;
    },
    recordsKnown: (kind, key) => knownRecords.get(`${kind}|${key}`),
    primeRecords(kind, key, records) {
      this.records(kind).prime(key, inPrecedence(kind, key, records));
    },
    links(side, kind) {
      let loader = linkLoaders.get(`${side}|${kind}`);
      if (loader === undefined) {
        loader = new DataLoader(async (keys) => groupBy(keys, await findLinks(db, side, kind, keys), (row) => (side === 'from' ? row.from_key : row.to_key)));
        linkLoaders.set(`${side}|${kind}`, loader);
      }
      return loader;
    },
    facets(source, mapping) {
      const id = `${source.connector.name}|${mapping.table}`;
      let loader = facetLoaders.get(id);
      if (loader === undefined) {
        loader = new DataLoader(async (recordIds) => {
          const facets = await withinDeadline(source.connector.name, sourceDeadline, () => readFacets(source, mapping, recordIds));
          return recordIds.map((recordId) => facets.get(recordId) ?? null);
        });
        facetLoaders.set(id, loader);
      }
      return loader;
    },
    facetsWhere(source, mapping, column) {
      const id = `${source.connector.name}|${mapping.table}|${column}`;
      let loader = facetWhereLoaders.get(id);
      if (loader === undefined) {
        loader = new DataLoader(async (values) => {
          const facets = await withinDeadline(source.connector.name, sourceDeadline, () => readFacetsWhere(source, mapping, column, values));
          return values.map((value) => facets.get(value) ?? []);
        });
        facetWhereLoaders.set(id, loader);
      }
      return loader;
    },
    entitiesAt: new DataLoader((pages) => pagesAtAddresses(db, scope, pages), { cacheKeyFn: (page) => JSON.stringify(page) }),
    regionByCode: keyedLoader((codes) => findRegionsByCode(db, codes), (row) => row.code),
    gridByCode: keyedLoader((codes) => findGridsByCode(db, codes), (row) => row.code),
    addressByCode: addressLoader(db),
    addressByDoorPlate: keyedLoader((plates) => findAddressesByDoorPlate(db, plates), (row) => row.door_plate_code!),
  };
}

/**
 * A live read from a department source, or SOURCE_UNAVAILABLE naming the source
 * when it fails or is not done by the source's deadline: the rest of the
 * response stands (docs/design.md §8). The deadline is SOURCE_TIMEOUT_MS from the
 * request's start and covers everything of that source in the request — pool
 * wait, connect and every statement, however many levels of the document read
 * from it — so a slow source delays an answer by at most its timeout in all,
 * not by its timeout per level. It also reaches the source's pool
 * (`withDeadline`), which gives up its wait and its statement then, so a slow
 * or stalled source does not keep holding connections. The cause stays in the
 * server log, never in the answer.
 */
async function withinDeadline<T>(source: string, deadline: number, read: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer by the source's deadline`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await observeSourceRead(source, deadline, () => Promise.race([withDeadline(deadline, read), timeout]));
  } catch (cause) {
    if (cause instanceof GridgraphError && cause.details.source === source) throw cause;
    logWarning(`source ${source} unavailable`, cause);
    throw sourceUnavailable(source, cause);
  } finally {
    clearTimeout(timer);
  }
}

/** Rows grouped under each key, in key order: what a one-to-many loader returns. */
function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(keyOf(row));
    if (group === undefined) groups.set(keyOf(row), [row]);
    else group.push(row);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * Addresses by code; a room's building comes with the room and is known from
 * then on, so the mask showing a room as its building costs no statement.
 */
function addressLoader(db: Kysely<HubSchema>): DataLoader<string, StandardAddressRow | null> {
  const loader: DataLoader<string, StandardAddressRow | null> = new DataLoader(async (codes) => {
    const byCode = new Map((await findAddressesWithRoomBuildings(db, codes)).map((row) => [row.code, row]));
    const asked = new Set(codes);
    for (const [code, row] of byCode) if (!asked.has(code)) loader.prime(code, row);
    return codes.map((code) => byCode.get(code) ?? null);
  });
  return loader;
}

/** A loader over a fetch-by-keys query: one statement per batch, results back in key order, null where missing. */
function keyedLoader<T>(fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T | null> {
  return new DataLoader(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/**
 * The lists asked of each address, one statement per address — or more when
 * one kind is asked twice with different pages (aliases), since a statement
 * pages each kind once.
 */
async function pagesAtAddresses(db: Kysely<HubSchema>, scope: AreaScope, pages: readonly PageAtAddress[]): Promise<EntityPage[]> {
  const batches = new Map<string, number[]>();
  pages.forEach((page, i) => {
    let round = 0;
    while (batches.get(`${page.addressCode}|${page.includeDescendants}|${round}`)?.some((j) => pages[j].kind === page.kind)) round++;
    const id = `${page.addressCode}|${page.includeDescendants}|${round}`;
    (batches.get(id) ?? batches.set(id, []).get(id)!).push(i);
  });
  const results = new Array<EntityPage>(pages.length);
  await Promise.all(
    [...batches.values()].map(async (indexes) => {
      const { addressCode, includeDescendants } = pages[indexes[0]];
      const found = await pageEntitiesAt(db, addressCode, includeDescendants, scope, indexes.map((i) => pages[i]));
      indexes.forEach((i, n) => (results[i] = found[n]));
    }),
  );
  return results;
}
