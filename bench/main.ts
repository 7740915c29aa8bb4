import { Command } from 'commander';
import { runAddressBench } from './address-bench.js';
import { runAuditWritersBench } from './audit-writers-bench.js';
import { runDossierBench } from './dossier-bench.js';
import { runLeversBench } from './levers-bench.js';
import { runFederationBench } from './federation-bench.js';
import { runObservabilityBench } from './observability-bench.js';
import { configureLogger } from '../src/observability/logger.js';
import { runFaultBench } from './fault-bench.js';
import { runFirstStartBench } from './first-start-bench.js';
import { runScaleBench } from './scale-bench.js';
import { runStatisticsBench } from './statistics-bench.js';
import { runSyncBench } from './sync-bench.js';
import { runSyncInterferenceBench } from './sync-interference-bench.js';

/** The options of a bench that loads a screen: the world's scale, seconds of load, runs, items per list, results file. */
interface ScreenLoadOptions {
  scale: string;
  duration: string;
  runs: string;
  perList: string;
  out: string;
}

function screenLoad(command: Command, durationSeconds: number, out: string): Command {
  return command
    .option('--scale <n>', 'demo scale of the five sources (1 ≈ 9,600 residents)', '1')
    .option('--duration <s>', 'seconds of load per measurement', String(durationSeconds))
    .option('--runs <n>', 'runs; the median is reported', '3')
    .option('--per-list <n>', 'items per list in the dossier', '50')
    .option('--out <file>', 'results file', out);
}

function readScreenLoad(options: ScreenLoadOptions) {
  return {
    scale: positive(options.scale, '--scale'),
    duration: wholeNumber(options.duration, '--duration'),
    runs: wholeNumber(options.runs, '--runs'),
    perList: wholeNumber(options.perList, '--per-list'),
    out: options.out,
  };
}

/**
 * `npm run bench -- <sub-command>`: each prints a table with its figures and the
 * ratio to a baseline measured in the same run, and writes JSON under
 * bench-results/. Set BENCH_DATABASE_URL to run on a PostgreSQL server.
 */
// The request log would interleave with the tables: off unless LOG_LEVEL asks (the observability bench sets its own).
configureLogger({ level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'silent' });

const program = new Command('bench').description('gridgraph benchmarks (docs/design.md §7)');

program
  .command('address')
  .description('batch address resolution rate over a two-district registry, against 5,000/s and a one-query-per-address baseline')
  .option('--registry-scale <n>', 'demo scale of the registry (7.5 ≈ 55,000 addresses)', '7.5')
  .option('--texts <n>', 'texts resolved per run', '20000')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--out <file>', 'results file', 'bench-results/address.json')
  .action(async (options: { registryScale: string; texts: string; runs: string; out: string }) => {
    await runAddressBench({
      registryScale: positive(options.registryScale, '--registry-scale'),
      texts: wholeNumber(options.texts, '--texts'),
      runs: wholeNumber(options.runs, '--runs'),
      out: options.out,
    });
  });

screenLoad(program.command('dossier'), 10, 'bench-results/dossier.json')
  .description("a door plate's and a resident's dossier over HTTP, each against a hand-written SQL floor on the same HTTP stack, at concurrency 1 and 16")
  .option('--registry-scale <n>', 'demo scale of the registry; the sources grow with it (104 ≈ 1,000,000 persons at --scale 1, as many a door as at 1)', '1')
  .option('--serving-process', 'gridgraph as a `gridgraph serve` process of its own (needs BENCH_DATABASE_URL): its CPU and peak RSS alone')
  .action(async (options: ScreenLoadOptions & { registryScale: string; servingProcess?: boolean }) => {
    await runDossierBench({
      ...readScreenLoad(options),
      registryScale: positive(options.registryScale, '--registry-scale'),
      servingProcess: options.servingProcess === true,
    });
  });

screenLoad(program.command('levers'), 5, 'bench-results/levers.json')
  .description("issue 18's levers, each taken back alone against gridgraph as it ships, in one run: operations interpreted (graphql-js) instead of compiled (graphql-jit), every token verified instead of reused; beside the honest floor")
  .action(async (options: ScreenLoadOptions) => runLeversBench(readScreenLoad(options)));

screenLoad(program.command('federation'), 10, 'bench-results/federation.json')
  .description('the door-plate dossier through Hive Gateway over the subgraphs against the single process, at concurrency 1 and 16: p50, req/s, statements per request per database')
  .action(async (options: ScreenLoadOptions) => runFederationBench(readScreenLoad(options)));

program
  .command('sync-interference')
  .description("the door-plate dossier's p50 alone and while full resyncs of every source run in the same process (issue 16: a sync must not starve requests)")
  .option('--scale <n>', 'demo scale of the five sources', '1')
  .option('--duration <s>', 'seconds of load per measurement', '10')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--per-list <n>', 'items per list in the dossier', '50')
  .action(async (options: { scale: string; duration: string; runs: string; perList: string }) => {
    await runSyncInterferenceBench({
      scale: positive(options.scale, '--scale'),
      duration: wholeNumber(options.duration, '--duration'),
      runs: wholeNumber(options.runs, '--runs'),
      perList: wholeNumber(options.perList, '--per-list'),
    });
  });

program
  .command('statistics')
  .description("a district month's statistics and stability index at 1,000,000 persons (issue 21: well under a second), and the live feed's delay under continuous sync")
  .option('--registry-scale <n>', 'registry scale; people grow with addresses (104 ≈ 1,000,000 persons)', '104')
  .option('--source-scale <n>', 'demo source scale (people per room)', '1')
  .option('--runs <n>', 'runs; the median is reported', '5')
  .option('--out <file>', 'results file', 'bench-results/statistics.json')
  .action(async (options: { registryScale: string; sourceScale: string; runs: string; out: string }) => {
    await runStatisticsBench({
      registryScale: positive(options.registryScale, '--registry-scale'),
      sourceScale: positive(options.sourceScale, '--source-scale'),
      runs: wholeNumber(options.runs, '--runs'),
      out: options.out,
    });
  });

program
  .command('scale')
  .description('the dossier p50 at 10k, 100k and 1M persons (registry growing with them), against flat within 20 %')
  .option('--scales <list>', 'registry scales, comma-separated; people grow with addresses (1 ≈ 9,600 persons, 10 ≈ 100,000, 104 ≈ 1,000,000)', '1,10,104')
  .option('--source-scale <n>', 'demo source scale (people per room), the same at every scale', '1')
  .option('--duration <s>', 'seconds of load per measurement', '5')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--per-list <n>', 'items per list in the dossier', '50')
  .option('--out <file>', 'results file', 'bench-results/scale.json')
  .action(async (options: { scales: string; sourceScale: string; duration: string; runs: string; perList: string; out: string }) => {
    await runScaleBench({
      scales: options.scales.split(',').map((scale) => positive(scale, '--scales')),
      sourceScale: positive(options.sourceScale, '--source-scale'),
      duration: wholeNumber(options.duration, '--duration'),
      runs: wholeNumber(options.runs, '--runs'),
      perList: wholeNumber(options.perList, '--per-list'),
      out: options.out,
    });
  });

program
  .command('sync')
  .description('rows per second of a full sync of the five sources at 1,000,000 persons, against 20,000 rows/s')
  .option('--scale <n>', 'demo source scale (people per room)', '10')
  .option('--registry-scale <n>', 'registry scale; persons ≈ 9,640 × scale × registry scale (10 × 10 ≈ 990,000)', '10')
  .option('--parallel <n>', 'tables synced at the same time (as gridgraph sync --parallel)', '2')
  .option('--runs <n>', 'runs, each from an empty crosswalk; the median is reported', '3')
  .option('--out <file>', 'results file', 'bench-results/sync.json')
  .action(async (options: { scale: string; registryScale: string; parallel: string; runs: string; out: string }) => {
    await runSyncBench({
      parallel: wholeNumber(options.parallel, '--parallel'),
      scale: positive(options.scale, '--scale'),
      registryScale: positive(options.registryScale, '--registry-scale'),
      runs: wholeNumber(options.runs, '--runs'),
      out: options.out,
    });
  });

program
  .command('observability')
  .description("what the request log, metrics (scraped every second) and traces (every span, over OTLP) cost the door-plate dossier: each against all of them off, interleaved in the same run")
  .option('--scale <n>', 'demo scale of the five sources', '1')
  .option('--duration <s>', 'seconds of load per measurement', '10')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--per-list <n>', 'items per list in the dossier', '50')
  .option('--connections <n>', 'requests in flight', '1')
  .option('--out <file>', 'results file', 'bench-results/observability.json')
  .action(async (options: { scale: string; duration: string; runs: string; perList: string; connections: string; out: string }) => {
    await runObservabilityBench({
      scale: positive(options.scale, '--scale'),
      duration: wholeNumber(options.duration, '--duration'),
      runs: wholeNumber(options.runs, '--runs'),
      perList: wholeNumber(options.perList, '--per-list'),
      connections: wholeNumber(options.connections, '--connections'),
      out: options.out,
    });
  });

program
  .command('faults')
  .description("residents' dossiers under steady load while a source (slowed, stalled, cut) and then the hub database (stalled, cut) break through a TCP proxy and come back: p50/p99 before/during/after, partial answers, time to recover, peak RSS")
  .option('--scale <n>', 'demo scale of the five sources', '0.3')
  .option('--calm <s>', 'seconds of load before and after each fault', '5')
  .option('--fault <s>', 'seconds each fault lasts', '10')
  .option('--concurrency <n>', 'requests in flight', '4')
  .option('--source <name>', 'the source to break (police: every resident has a police record)', 'police')
  .option('--out <file>', 'results file', 'bench-results/faults.json')
  .action(async (options: { scale: string; calm: string; fault: string; concurrency: string; source: string; out: string }) => {
    await runFaultBench({
      scale: positive(options.scale, '--scale'),
      calm: positive(options.calm, '--calm'),
      fault: positive(options.fault, '--fault'),
      concurrency: wholeNumber(options.concurrency, '--concurrency'),
      source: options.source,
      out: options.out,
    });
  });

program
  .command('first-start')
  .description('the first `npm start` on a new data folder (issue 22: under 20 s and 800 MB), against a later start on the same folder')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--out <file>', 'results file', 'bench-results/first-start.json')
  .action(async (options: { runs: string; out: string }) => {
    await runFirstStartBench({ runs: wholeNumber(options.runs, '--runs'), out: options.out });
  });

program
  .command('audit-writers')
  .description('audit chain appends from four writers (four hub processes on one hub database) against one: records/s, retries, the chain verified after')
  .option('--duration <s>', 'seconds of load per measurement', '10')
  .option('--concurrency <n>', 'requests in flight per writer', '16')
  .option('--records <n>', 'records per request', '5')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--out <file>', 'results file', 'bench-results/audit-writers.json')
  .action(async (options: { duration: string; concurrency: string; records: string; runs: string; out: string }) => {
    await runAuditWritersBench({
      duration: wholeNumber(options.duration, '--duration'),
      concurrency: wholeNumber(options.concurrency, '--concurrency'),
      records: wholeNumber(options.records, '--records'),
      runs: wholeNumber(options.runs, '--runs'),
      out: options.out,
    });
  });

function positive(value: string, option: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${option} must be a positive number, got "${value}"`);
  return number;
}

/** A count (runs, seconds, connections): a positive number, rounded. */
function wholeNumber(value: string, option: string): number {
  return Math.round(positive(value, option));
}

await program.parseAsync(process.argv);
