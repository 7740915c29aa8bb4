import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnServe } from '../tests/support/serve-process.js';
import { median, printTable, writeResults } from './report.js';

export interface FirstStartBenchOptions {
  runs: number;
  out: string;
}

/** Issue 22's bound on the first start of `npm start` on an idle 2-core machine. */
const TARGET = { seconds: 20, megabytes: 800 };

/** Longest a start may take before the bench gives up on it. */
const START_DEADLINE_MS = 300_000;

interface Start {
  seconds: number;
  /** Resident memory when it said it was serving, MB. */
  readyMB: number;
  /** The most it held from launch to serving (the kernel's high-water mark), MB. */
  peakMB: number;
}

/**
 * The first start on the embedded default — a new data folder: the demo
 * registry, the five demo sources generated and synced — against the baseline
 * of a later start on the same folder, which only opens it. Each run is a
 * `gridgraph serve` process of its own, timed from launch to its "serving"
 * line, its memory read from /proc (Linux).
 */
export async function runFirstStartBench(options: FirstStartBenchOptions): Promise<void> {
  const first: Start[] = [];
  const later: Start[] = [];
  for (let run = 0; run < options.runs; run++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-first-start-'));
    try {
      first.push(await timeStart(dataDir));
      later.push(await timeStart(dataDir));
      console.error(`run ${run + 1}: first ${first.at(-1)!.seconds.toFixed(1)} s, later ${later.at(-1)!.seconds.toFixed(1)} s`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const summary = (starts: Start[]) => ({
    seconds: median(starts.map((s) => s.seconds)),
    readyMB: median(starts.map((s) => s.readyMB)),
    peakMB: median(starts.map((s) => s.peakMB)),
  });
  const firstStart = summary(first);
  const laterStart = summary(later);
  console.log(`first start of the embedded default · ${options.runs} runs (median) · target under ${TARGET.seconds} s and ${TARGET.megabytes} MB`);
  printTable([
    ['start', 'ready after', 'RSS when ready', 'peak RSS'],
    ['first (new data folder: demo generated and synced)', `${firstStart.seconds.toFixed(1)} s`, `${firstStart.readyMB} MB`, `${firstStart.peakMB} MB`],
    ['later (the same folder: baseline)', `${laterStart.seconds.toFixed(1)} s`, `${laterStart.readyMB} MB`, `${laterStart.peakMB} MB`],
    ['first ÷ later', `${(firstStart.seconds / laterStart.seconds).toFixed(2)}×`, `${(firstStart.readyMB / laterStart.readyMB).toFixed(2)}×`, `${(firstStart.peakMB / laterStart.peakMB).toFixed(2)}×`],
  ]);
  const met = firstStart.seconds < TARGET.seconds && firstStart.peakMB < TARGET.megabytes;
  console.log(`target ${met ? 'met' : 'missed'}: first start ${firstStart.seconds.toFixed(1)} s, peak ${firstStart.peakMB} MB`);
  const file = writeResults(options.out, { bench: 'first-start', runs: options.runs, target: TARGET, first, later, firstStart, laterStart });
  console.log(`results written to ${file}`);
}

async function timeStart(dataDir: string): Promise<Start> {
  const started = performance.now();
  const serve = spawnServe({ ...process.env, GRIDGRAPH_DATA_DIR: dataDir, PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn' });
  try {
    await serve.waitFor(/serving http/, START_DEADLINE_MS);
    const seconds = (performance.now() - started) / 1000;
    const status = fs.readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    serve.child.kill('SIGTERM');
    await Promise.race([serve.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    return { seconds, readyMB: Math.round(kB('VmRSS') / 1024), peakMB: Math.round(kB('VmHWM') / 1024) };
  } finally {
    serve.killGroup();
  }
}
