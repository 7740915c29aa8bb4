import { connectors } from '../../../connectors/index.js';
import { AddressResolver } from '../../address/address-resolver.js';
import { generateDemoSources } from '../../demo/demo-sources.js';
import { closeSources, openSources } from '../../sources/open-sources.js';
import { CONFLICT_FIELDS } from '../../connectors/shared-fields.js';
import { readConflicts, readQuality } from '../../crosswalk/quality-queries.js';
import { syncSources, type TableSyncResult } from '../../sync/sync-source.js';
import { watchSources } from '../../sync/continuous-sync.js';
import { openTableLocks } from '../../sync/table-lock.js';
import { statusLine } from '../progress.js';
import { withHub } from '../with-hub.js';
import { maskIdNumber, maskName, maskPhone } from '../../access/masks.js';
import type { FieldConflicts } from '../../crosswalk/quality-queries.js';
import { EXIT_PARTIAL_SYNC } from '../exit-codes.js';

// The work behind `gridgraph demo generate`, `sync` and `quality`, imported
// when one of them runs (sync-commands.ts defines them).

/** A person's key and personal values, masked as docs/design.md §5.4 masks them for a data steward. */
const PERSON_MASKS: Record<string, (value: string) => string> = { name: maskName, phone: maskPhone };

function maskedForSteward(conflict: FieldConflicts): FieldConflicts {
  const person = conflict.kind === 'PERSON';
  const maskKey = person ? maskIdNumber : (key: string) => key;
  const maskValue = (person ? PERSON_MASKS[conflict.field] : undefined) ?? ((value: string) => value);
  return {
    ...conflict,
    examples: conflict.examples.map((e) => ({ key: maskKey(e.key), values: e.values.map((v) => ({ ...v, value: maskValue(v.value) })) })),
  };
}

const progress = statusLine();

export async function generateDemo(names: string[], options: { scale: string; seed: string }): Promise<void> {
  const scale = Number(options.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, got "${options.scale}"`);
  await withHub(async (hub, config) => {
    const sources = await openSources(connectors, config, names);
    try {
      const reports = await generateDemoSources(hub.db, sources, {
        scale,
        seed: Number(options.seed),
        onProgress: (source, rows) => progress.show(`generate ${source}: ${rows} rows`),
      });
      progress.done();
      for (const [source, report] of reports) {
        console.log(`${source}: ${Object.entries(report.rows).map(([table, rows]) => `${table} ${rows} rows`).join(', ')}`);
      }
    } finally {
      await closeSources(sources);
    }
  });
}

export async function sync(names: string[], options: { full?: boolean; parallel: number; watch?: boolean }): Promise<void> {
  await withHub(async (hub, config) => {
    const sources = await openSources(connectors, config, names);
    const resolver = new AddressResolver(hub.db);
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const locks = openTableLocks(config.databaseUrl);
    try {
      const { failures, busy } = await syncSources(hub.db, sources, resolver, {
        full: options.full,
        parallel: options.parallel,
        locks,
        onProgress: (p) => progress.show(`sync ${p.source}.${p.table}: ${p.phase} ${p.rows} rows · ${seconds()}s`),
        onSourceDone: (_, results) => {
          progress.done();
          for (const r of results) console.log(describeTableSync(r, seconds()));
        },
      });
      progress.done();
      for (const failure of failures) {
        console.error(
          `gridgraph: source ${failure.source} failed at ${failure.table}: ${failure.message}; ` +
            `not synced: ${[failure.table, ...failure.skippedTables].join(', ')}`,
        );
      }
      for (const table of busy) console.error(`gridgraph: ${table.source}.${table.table} is being synced by another process: left to it`);
      if (failures.length > 0) process.exitCode = EXIT_PARTIAL_SYNC;
      if (options.watch) await watchSources(hub.db, sources, resolver, { intervalSeconds: config.syncIntervalSeconds, databaseUrl: config.databaseUrl });
    } finally {
      await locks.close();
      await closeSources(sources);
    }
  });
}

/** One line per table synced: what was read, and what was found wrong. */
function describeTableSync(r: TableSyncResult, seconds: string): string {
  const garbage = [
    r.skipped > 0 ? `${r.skipped} without a record id (skipped)` : '',
    r.duplicates > 0 ? `${r.duplicates} record ids shared by several rows` : '',
    r.badChangeValues > 0 ? `${r.badChangeValues} bad change values` : '',
  ].filter((part) => part !== '');
  const position = r.watermark === undefined ? '' : `, watermark (${r.watermark.value}, ${r.watermark.recordId})`;
  return `${r.source}.${r.table}: ${r.mode.toLowerCase()} sync, ${r.scanned} rows read, ${r.rechecked} re-read, ${r.deleted} found deleted` +
    `${garbage.length > 0 ? `; ${garbage.join(', ')}` : ''}${position} (${seconds}s)`;
}

export async function qualityReport(source: string | undefined, options: { json?: boolean }): Promise<void> {
  await withHub(async (hub) => {
    const quality = await readQuality(hub.db, source);
    const everything = { scope: { grids: [], communities: [], streets: [], districts: [], everywhere: true }, tables: connectors.flatMap((c) => c.tables.map((t) => ({ source: c.name, source_table: t.table }))) };
    // Shown as a data steward sees them: keys and personal values masked.
    const conflicts = source === undefined ? (await readConflicts(hub.db, CONFLICT_FIELDS, everything, 5)).map(maskedForSteward) : [];
    if (options.json) {
      console.log(JSON.stringify({ tables: quality, conflicts }));
      return;
    }
    if (quality.length === 0) console.log('nothing synced yet: run `gridgraph sync`');
    for (const q of quality) {
      console.log(`${q.source}.${q.table}: ${q.records} records, ${q.deleted} deleted`);
      console.log(`  keys invalid ${q.keysInvalid}${q.keyProblems.map((p) => `\n    ${p.count} ${p.problem}`).join('')}`);
      console.log(`  addresses: ${q.matched} matched, ${q.partial} partial, ${q.ambiguous} ambiguous, ${q.unmatched} unmatched, ${q.noAddress} without address`);
      console.log(`  rows without a record id ${q.invalidRecordIds}, record ids shared by several rows ${q.duplicateRecordIds}, bad change values ${q.badChangeValues}`);
      if (q.invalidDates.length > 0) console.log(`  invalid dates (served as null): ${q.invalidDates.map((d) => `${d.field} ${d.count}`).join(', ')}`);
    }
    for (const c of conflicts) {
      console.log(`conflicts: ${c.count} ${c.kind.toLowerCase()}s whose ${c.field} differs between sources, e.g.`);
      for (const e of c.examples) console.log(`  ${e.key}: ${e.values.map((v) => `${v.source} "${v.value}"`).join(', ')}`);
    }
  });
}
