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
});
