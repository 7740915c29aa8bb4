import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { AddressResolver } from '../address/address-resolver.js';
import type { HubSchema } from '../db/hub-schema.js';
import type { SourceDatabase } from '../sources/source-database.js';
import { describeSyncFailure } from './sync-failure.js';
import { pruneRuns, recordSkippedRun } from '../crosswalk/sync-state-repository.js';
import { recountResidentsIfStale } from '../statistics/resident-counts.js';
import { type TableSyncResult, tableJobs } from './sync-source.js';
import { openTableLocks } from './table-lock.js';

export interface ContinuousSyncOptions {
  /** Seconds from the end of one round over every table to the start of the next; 0 starts nothing. */
  readonly intervalSeconds: number;
  /** The hub's server URL, for the advisory locks shared by every hub process; undefined on the embedded default. */
  readonly databaseUrl: string | undefined;
  /** Rows per step: small, so that serving waits at most one step's work. @default 1000 */
  readonly chunkSize?: number;
  /** Where a line goes when a table changed, a source failed or came back. @default none */
  readonly log?: (line: string) => void;
  /** Called after each table's sync, for tests and metrics. @default none */
  readonly onTableSynced?: (result: TableSyncResult) => void;
}

/** A running continuous sync. */
export interface ContinuousSync {
  /** Stops after the step under way (its rows and watermark written) and resolves when nothing runs any more. */
  stop(): Promise<void>;
}

/** Thrown between two steps of a table's sync when the hub is stopping: what was written stands. */
export class SyncStopped extends Error {
  constructor() {
    super('stopped: the hub is shutting down');
    this.name = 'SyncStopped';
  }
}

/** The longest pause between two steps: a slow step (a source far away) must not stretch the sync without end. */
const MAX_PAUSE_MS = 1_000;

/**
 * What a serving process runs between two steps of a sync: a pause as long as
 * the step took (at most {@link MAX_PAUSE_MS}), so a sync takes at most half
 * of the process's time and requests always get the other half; then a
 * {@link SyncStopped} if the hub is stopping.
 */
export function pacedSteps(isStopping: () => boolean): () => Promise<void> {
  let resumedAt = performance.now();
  return async () => {
    const worked = performance.now() - resumedAt;
    if (!isStopping()) await sleep(Math.min(worked, MAX_PAUSE_MS));
    if (isStopping()) throw new SyncStopped();
    resumedAt = performance.now();
  };
}

/** How many runs per table `sync_run` keeps under continuous sync (one per interval would grow it without end). */
const RUNS_KEPT_PER_TABLE = 100;

/**
 * Keeps every source current by itself (issue 16): every `intervalSeconds`, an
 * incremental sync of each table of each source, one table at a time, each
 * under its table lock (so never two syncs of one table, in this process or
 * any other on the hub database), pausing between steps (see {@link pacedSteps})
 * so requests never wait behind a sync. A source that fails is skipped until the
 * next round; the others go on.
 */
export function startContinuousSync(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  resolver: AddressResolver,
  options: ContinuousSyncOptions,
): ContinuousSync {
  if (options.intervalSeconds <= 0) return { stop: async () => {} };
  const locks = openTableLocks(options.databaseUrl);
  const log = options.log ?? (() => {});
  let stopping = false;
  let wake = () => {};
  const failing = new Map<string, string>();

  const syncRound = async () => {
    for (const source of sources) {
      const name = source.connector.name;
      let failure: string | undefined;
      for (const job of tableJobs(source, resolver)) {
        if (stopping) return;
        if (failure !== undefined) {
          await recordSkippedRun(hub, name, job.table, `skipped: ${failure}`);
          continue;
        }
        try {
          const betweenChunks = pacedSteps(() => stopping);
          const outcome = await locks.withLock(name, job.table, () => job.run(hub, { chunkSize: options.chunkSize ?? 1_000, betweenChunks }));
          if (!outcome.ran) continue; // another sync has this table now; the next round comes soon enough
          const result = outcome.value;
          options.onTableSynced?.(result);
          if (result.scanned + result.deleted > 0) log(`gridgraph: synced ${name}.${job.table}: ${result.scanned} rows read, ${result.deleted} found deleted`);
        } catch (error) {
          if (error instanceof SyncStopped) return;
          const described = describeSyncFailure(error);
          failure = `the sync of ${job.table} failed first (${described.message})`;
          if (failing.get(name) !== described.message) log(`gridgraph: sync of ${name} failed at ${job.table}: ${described.message}; its other tables wait for the next round`);
          failing.set(name, described.message);
        }
      }
      if (failure === undefined && failing.delete(name)) log(`gridgraph: sync of ${name} works again`);
    }
    await pruneRuns(hub, RUNS_KEPT_PER_TABLE);
    await recountResidentsIfStale(hub);
  };

  const running = (async () => {
    while (!stopping) {
      try {
        await syncRound();
      } catch (error) {
        // The hub itself failed (a write, the pruning): say so and try again next round.
        log(`gridgraph: continuous sync round failed: ${describeSyncFailure(error).message}`);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopping = true;
      wake();
      await running;
      await locks.close();
    },
  };
}

/**
 * `gridgraph sync --watch`: continuous sync from the command line until SIGINT
 * or SIGTERM, then stops after the step under way.
 */
export async function watchSources(
  hub: Kysely<HubSchema>,
  sources: readonly SourceDatabase[],
  resolver: AddressResolver,
  options: { intervalSeconds: number; databaseUrl: string | undefined },
): Promise<void> {
  if (options.intervalSeconds <= 0) throw new Error('--watch needs GRIDGRAPH_SYNC_INTERVAL above 0 (seconds between syncs)');
  console.log(`gridgraph: watching ${sources.map((s) => s.connector.name).join(', ')}: an incremental sync every ${options.intervalSeconds}s; Ctrl-C stops`);
  const sync = startContinuousSync(hub, sources, resolver, { ...options, log: (line) => console.log(line) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('gridgraph: stopping the sync');
  await sync.stop();
}
