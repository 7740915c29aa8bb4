import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runBench } from '../support/bench-run.js';

// A tiny run of each benchmark, so the harness cannot rot. Figures are not asserted: machines are noisy.
// The benchmarks are split over files so that the runner's two workers share them.
describe('npm run bench (smoke): address, sync', () => {
  it('lists its sub-commands', () => {
    const help = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const command of ['address', 'dossier', 'scale', 'sync', 'first-start', 'audit-writers']) expect(help.stdout).toContain(command);
  });

  it('address: prints its table and writes its results file', () => {
    const run = runBench('address', ['--registry-scale', '0.3', '--texts', '300', '--runs', '1']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/gridgraph resolver\s+\d+ \/s/);
    const results = run.results();
    expect(results).toMatchObject({ bench: 'address', texts: 300, machine: { cores: expect.any(Number) } });
    expect(results.perSecond.median).toBeGreaterThan(0);
    expect(results.baselinePerSecond.median).toBeGreaterThan(0);
  });

  it('sync: times full syncs from an empty crosswalk and prints rows per second', () => {
    const run = runBench('sync', ['--scale', '0.1', '--registry-scale', '1', '--runs', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/all five\s+[\d,]+\s+[\d.]+/);
    expect(run.stdout).toMatch(/[\d,]+ rows\/s against the 20,000 rows\/s target/);
    const results = run.results();
    expect(results.runs).toHaveLength(2);
    expect(results.runs[0].rows).toBe(results.runs[1].rows);
    expect(results.rowsPerSecond).toBeGreaterThan(0);
  });

  it('audit-writers: one writer and four append to one chain, verified after, every record stored', () => {
    const run = runBench('audit-writers', ['--duration', '1', '--concurrency', '4', '--runs', '1']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^4\s+\d+\s+[\d.]+×/m);
    expect(run.stdout).toMatch(/chain: intact, \d+ records verified; (\d+) stored for \1 appended \(none lost\)/);
    const results = run.results();
    expect(results.summary.map((s: { writers: number }) => s.writers)).toEqual([1, 4]);
    expect(results.summary.map((s: { failedAppends: number }) => s.failedAppends)).toEqual([0, 0]);
    expect(results.stored).toBe(results.appended);
    expect(results.chain).toMatchObject({ intact: true, records: results.stored });
  });
});
