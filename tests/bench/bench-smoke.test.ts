import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/csv-files.js';

// A tiny run of each benchmark, so the harness cannot rot. Figures are not asserted: machines are noisy.
describe('npm run bench (smoke)', () => {
  it('lists its sub-commands', () => {
    const help = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const command of ['address', 'dossier', 'scale', 'sync', 'first-start']) expect(help.stdout).toContain(command);
  });

  it('address: prints its table and writes its results file', () => {
    const out = path.join(tempDir('gridgraph-bench-'), 'address.json');
    const run = spawnSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', 'address', '--registry-scale', '0.3', '--texts', '300', '--runs', '1', '--out', out],
      { encoding: 'utf8', env: { ...process.env, BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/gridgraph resolver\s+\d+ \/s/);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results).toMatchObject({ bench: 'address', texts: 300, machine: { cores: expect.any(Number) } });
    expect(results.perSecond.median).toBeGreaterThan(0);
    expect(results.baselinePerSecond.median).toBeGreaterThan(0);
  });

  it('dossier: checks gridgraph and the floor return the same data, prints both, writes its results file', () => {
    const out = path.join(tempDir('gridgraph-bench-'), 'dossier.json');
    const run = spawnSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', 'dossier', '--scale', '0.1', '--duration', '1', '--runs', '1', '--per-list', '10', '--out', out],
      { encoding: 'utf8', env: { ...process.env, BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^door plate\s+1\s+\d+ ms\s+\d+ ms\s+[\d.]+×/m);
    expect(run.stdout).toMatch(/^resident\s+1\s+\d+ ms\s+\d+ ms\s+[\d.]+×/m);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results).toMatchObject({ bench: 'dossier', scale: 0.1, perList: 10 });
    expect(results.dossiers.map((d: { dossier: string }) => d.dossier)).toEqual(['door plate', 'resident']);
    for (const dossier of results.dossiers) {
      expect(dossier.keys).toBeGreaterThan(0);
      // A second of load is too short for figures at concurrency 16 on a busy machine: only the shape is checked there.
      expect(dossier.results.c1.graph.rps).toBeGreaterThan(0);
      expect(dossier.results.c16.graph).toEqual({ p50: expect.any(Number), p99: expect.any(Number), rps: expect.any(Number) });
      expect(dossier.statementsPerRequest.floor.hub).toBe(1);
    }
  });

  it('scale: measures the dossier at each scale and prints the spread', () => {
    const out = path.join(tempDir('gridgraph-bench-'), 'scale.json');
    const run = spawnSync(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', 'scale', '--scales', '1,2', '--source-scale', '0.05', '--duration', '1', '--runs', '1', '--per-list', '10', '--out', out],
      { encoding: 'utf8', env: { ...process.env, BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/largest \/ smallest gridgraph p50: [\d.]+×/);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results.points.map((p: { scale: number }) => p.scale)).toEqual([1, 2]);
    expect(results.points[1].persons).toBeGreaterThan(results.points[0].persons);
  });

  it('sync: times full syncs from an empty crosswalk and prints rows per second', () => {
    const out = path.join(tempDir('gridgraph-bench-'), 'sync.json');
    const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', 'sync', '--scale', '0.1', '--registry-scale', '1', '--runs', '2', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? '' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/all five\s+[\d,]+\s+[\d.]+/);
    expect(run.stdout).toMatch(/[\d,]+ rows\/s against the 20,000 rows\/s target/);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results.runs).toHaveLength(2);
    expect(results.runs[0].rows).toBe(results.runs[1].rows);
    expect(results.rowsPerSecond).toBeGreaterThan(0);
  });

  it('first-start: starts the hub on a new data folder and again on the same, and prints both', () => {
    const out = path.join(tempDir('gridgraph-bench-'), 'first-start.json');
    const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'bench/main.ts', 'first-start', '--runs', '1', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, GRIDGRAPH_DEMO_SCALE: '0.1', DATABASE_URL: '' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^first \(new data folder: demo generated and synced\)\s+[\d.]+ s\s+\d+ MB\s+\d+ MB/m);
    expect(run.stdout).toMatch(/^first ÷ later\s+[\d.]+×/m);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results.first).toHaveLength(1);
    expect(results.firstStart.peakMB).toBeGreaterThanOrEqual(results.firstStart.readyMB);
  });
});
