import { Command } from 'commander';
import { runAddressBench } from './address-bench.js';
import { runDossierBench } from './dossier-bench.js';

/**
 * `npm run bench -- <sub-command>`: each prints a table with its figures and the
 * ratio to a baseline measured in the same run, and writes JSON under
 * bench-results/. Set BENCH_DATABASE_URL to run on a PostgreSQL server.
 */
const program = new Command('bench').description('gridgraph benchmarks (DESIGN §7)');

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
      texts: Math.round(positive(options.texts, '--texts')),
      runs: Math.round(positive(options.runs, '--runs')),
      out: options.out,
    });
  });

program
  .command('dossier')
  .description('the door-plate dossier over HTTP against a hand-written SQL floor on the same HTTP stack, at concurrency 1 and 16')
  .option('--scale <n>', 'demo scale of the five sources (1 ≈ 9,600 residents)', '1')
  .option('--duration <s>', 'seconds of load per measurement', '10')
  .option('--runs <n>', 'runs; the median is reported', '3')
  .option('--per-list <n>', 'items per list in the dossier', '50')
  .option('--out <file>', 'results file', 'bench-results/dossier.json')
  .action(async (options: { scale: string; duration: string; runs: string; perList: string; out: string }) => {
    await runDossierBench({
      scale: positive(options.scale, '--scale'),
      duration: Math.round(positive(options.duration, '--duration')),
      runs: Math.round(positive(options.runs, '--runs')),
      perList: Math.round(positive(options.perList, '--per-list')),
      out: options.out,
    });
  });

function positive(value: string, option: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${option} must be a positive number, got "${value}"`);
  return number;
}

await program.parseAsync(process.argv);
