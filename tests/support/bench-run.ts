import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir } from './csv-files.js';

/** How a benchmark run ended, what it printed, and the results file it wrote. */
export interface BenchRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The results file, parsed. */
  results(): any;
}

/**
 * `npm run bench -- <command> <args…> --out <file>` as a process of its own, on
 * the test database server when there is one (TEST_DATABASE_URL), else on
 * PGlite; `env` in place of that choice for a bench that picks its own.
 */
export function runBench(command: string, args: readonly string[], env: NodeJS.ProcessEnv = { BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' }): BenchRun {
  const out = path.join(tempDir('gridgraph-bench-'), `${command}.json`);
  const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', command, ...args, '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, results: () => JSON.parse(fs.readFileSync(out, 'utf8')) };
}
