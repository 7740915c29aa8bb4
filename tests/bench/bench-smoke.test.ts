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
    expect(help.stdout).toContain('address');
    expect(help.stdout).toContain('dossier');
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
    expect(run.stdout).toMatch(/^1\s+\d+ ms\s+\d+ ms\s+[\d.]+×/m);
    const results = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(results).toMatchObject({ bench: 'dossier', scale: 0.1, perList: 10 });
    expect(results.results.c16.graph.rps).toBeGreaterThan(0);
    expect(results.statementsPerRequest.floor.hub).toBe(1);
  }, 180_000);
});
