import { findRoomsAndDoors } from '../registry/address-repository.js';
import type { Kysely } from 'kysely';
import type { DemoPlaces, DemoReport } from '../connectors/connector.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';

export interface DemoSourcesOptions {
  /** @default 1 */
  scale?: number;
  /** @default 2602 */
  seed?: number;
  onProgress?: (source: string, rows: number) => void;
}

/** The registry's rooms and doors, where demo records are placed: any registry that is loaded, not only the demo's. */
export async function readDemoPlaces(hub: Kysely<HubSchema>): Promise<DemoPlaces> {
  const rows = await findRoomsAndDoors(hub);
  return { rooms: rows.filter((row) => row.level === 'ROOM'), doors: rows.filter((row) => row.level === 'DOOR') };
}

/** Creates each source's native schema and fills it with demo records over the registry. */
export async function generateDemoSources(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  options: DemoSourcesOptions = {},
): Promise<Map<string, DemoReport>> {
  const places = await readDemoPlaces(hub);
  if (places.rooms.length === 0) throw new Error('the registry has no rooms to place demo residents in: import a registry first');
  const reports = new Map<string, DemoReport>();
  for (const source of sources) {
    const demo = source.connector.demo;
    if (demo === undefined) continue;
    await demo.createSchema(source.db);
    const report = await demo.generate(source.db, places, {
      scale: options.scale ?? 1,
      seed: options.seed ?? 2602,
      onProgress: (rows) => options.onProgress?.(source.connector.name, rows),
    });
    reports.set(source.connector.name, report);
  }
  return reports;
}
