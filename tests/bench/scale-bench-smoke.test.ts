import { describe, expect, it } from 'vitest';
import { runBench } from '../support/bench-run.js';

// A tiny run of each benchmark, so the harness cannot rot. Figures are not asserted: machines are noisy.
// The benchmarks are split over files so that the runner's two workers share them.
describe('npm run bench (smoke): scale, first start', () => {
  it('scale: measures the dossier at each scale and prints the spread', () => {
    const run = runBench('scale', ['--scales', '1,2', '--source-scale', '0.05', '--duration', '1', '--runs', '1', '--per-list', '10']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/largest \/ smallest gridgraph p50: [\d.]+×/);
    const results = run.results();
    expect(results.points.map((p: { scale: number }) => p.scale)).toEqual([1, 2]);
    expect(results.points[1].persons).toBeGreaterThan(results.points[0].persons);
  });

  it('first-start: starts the hub on a new data folder and again on the same, and prints both', () => {
    const run = runBench('first-start', ['--runs', '1'], { GRIDGRAPH_DEMO_SCALE: '0.1', DATABASE_URL: '' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^first \(new data folder: demo generated and synced\)\s+[\d.]+ s\s+\d+ MB\s+\d+ MB/m);
    expect(run.stdout).toMatch(/^first ÷ later\s+[\d.]+×/m);
    const results = run.results();
    expect(results.first).toHaveLength(1);
    expect(results.firstStart.peakMB).toBeGreaterThanOrEqual(results.firstStart.readyMB);
  });
});
