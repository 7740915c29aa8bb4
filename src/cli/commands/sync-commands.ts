import { Command, InvalidArgumentError } from 'commander';
import { EXIT_PARTIAL_SYNC } from '../exit-codes.js';

export const demoGenerateCommand = new Command('generate')
  .description('create the demo department sources in their native schemas over the loaded registry (deterministic, with defects)')
  .argument('[source...]', 'sources to generate (default: all)')
  .option('--scale <n>', 'records grow with it; 1 is about two residents per room', '1')
  .option('--seed <n>', 'seed of the generator', '2602')
  .action(async (names: string[], options: { scale: string; seed: string }) => (await import('./sync-run.js')).generateDemo(names, options));

export const syncCommand = new Command('sync')
  .description(
    'sync sources into the crosswalk: a full scan the first time, then rows changed since (and deletions); resolves addresses and validates keys. ' +
      `A source that fails is named with the tables it skipped, the others sync on, and the exit code is ${EXIT_PARTIAL_SYNC}`,
  )
  .argument('[source...]', 'sources to sync (default: all)')
  .option('--full', 'rescan every row, not only those changed since the last sync')
  .option('--parallel <n>', 'tables synced at the same time', (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('expected a whole number from 1 to 16');
    return n;
  }, 2)
  .option('--watch', 'keep syncing every table incrementally, every GRIDGRAPH_SYNC_INTERVAL seconds, until interrupted')
  .action(async (names: string[], options: { full?: boolean; parallel: number; watch?: boolean }) => (await import('./sync-run.js')).sync(names, options));

export const qualityCommand = new Command('quality')
  .description("the data steward's worklist: per source table, records, invalid keys, address matches; and cross-source conflicts")
  .argument('[source]', 'one source (default: all)')
  .option('--json', 'print as JSON')
  .action(async (source: string | undefined, options: { json?: boolean }) => (await import('./sync-run.js')).qualityReport(source, options));
