import { describe, expect, it } from 'vitest';
import { runBench } from '../support/bench-run.js';

// A tiny run of each benchmark, so the harness cannot rot. Figures are not asserted: machines are noisy.
// The benchmarks are split over files so that the runner's two workers share them.
describe('npm run bench (smoke): dossier', () => {
  it('dossier: checks gridgraph and the floor return the same data, prints both, writes its results file', () => {
    const run = runBench('dossier', ['--scale', '0.1', '--duration', '1', '--runs', '1', '--per-list', '10']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^door plate\s+1\s+\d+ ms\s+\d+ ms\s+[\d.]+×\s+\d+ ms\s+[\d.]+×/m);
    expect(run.stdout).toMatch(/^resident\s+1\s+\d+ ms\s+\d+ ms\s+[\d.]+×\s+\d+ ms\s+[\d.]+×/m);
    expect(run.stdout).toMatch(/^door plate\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+×/m); // CPU per request
    const results = run.results();
    expect(results).toMatchObject({ bench: 'dossier', scale: 0.1, perList: 10 });
    expect(results.dossiers.map((d: { dossier: string }) => d.dossier)).toEqual(['door plate', 'resident']);
    for (const dossier of results.dossiers) {
      expect(dossier.keys).toBeGreaterThan(0);
      // A second of load is too short for figures at concurrency 16 on a busy machine: only the shape is checked there.
      expect(dossier.results.c1.graph.rps).toBeGreaterThan(0);
      expect(dossier.results.c16.graph).toEqual({ p50: expect.any(Number), p99: expect.any(Number), rps: expect.any(Number), cpuMsPerRequest: expect.any(Number), failed: 0 });
      // The honest floor: its one hub query and the audit append; the bare floor its query alone.
      expect(dossier.statementsPerRequest.floor.hub).toBeGreaterThanOrEqual(2);
      expect(dossier.statementsPerRequest.bare.hub).toBe(1);
      expect(dossier.results.c1.floor.cpuMsPerRequest).toBeGreaterThan(0);
    }
  });

  it('levers: checks every variant and the honest floor return the same data and audit alike, prints CPU per request against both', () => {
    const run = runBench('levers', ['--scale', '0.1', '--duration', '1', '--runs', '1', '--per-list', '10']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^door plate\s+1\s+operations interpreted by graphql-js\s+\d+ ms/m);
    expect(run.stdout).toMatch(/^resident\s+16\s+every token verified \(no reuse\)\s+\d+ ms/m);
    const results = run.results();
    expect(Object.keys(results.results)).toEqual(['door plate c1', 'door plate c16', 'resident c1', 'resident c16']);
    for (const variants of Object.values(results.results) as Record<string, { cpuMsPerRequest: number; failed: number }>[]) {
      expect(Object.keys(variants)).toEqual(['gridgraph as shipped', 'operations interpreted by graphql-js', 'every token verified (no reuse)', 'honest floor']);
      for (const measured of Object.values(variants)) {
        expect(measured.cpuMsPerRequest).toBeGreaterThan(0);
        expect(measured.failed).toBe(0);
      }
    }
  });
});
