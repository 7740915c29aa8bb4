import { sql } from 'kysely';
import { AddressResolver } from '../src/address/address-resolver.js';
import { demoRowSources, generateDemoRegistry } from '../src/demo/demo-registry.js';
import { QINHUAI, XUANWU } from '../src/demo/districts.js';
import { importRegistry } from '../src/registry/registry-import.js';
import { generateLabelledTexts, withLetteredDoors } from '../tests/address/address-variants.js';
import { evaluate } from '../tests/address/evaluate.js';
import { openBenchHub } from './bench-database.js';
import { median, printTable, writeResults } from './report.js';

export interface AddressBenchOptions {
  /** Demo scale of the two-district registry; 7.5 gives about 55,000 addresses. */
  registryScale: number;
  /** Texts resolved per run. */
  texts: number;
  runs: number;
  out: string;
}

/** docs/design.md §7 target: batch resolution on 2 cores. */
const TARGET_PER_SECOND = 5_000;
const BATCH = 1_000;
/** The baseline resolves this many texts, one SQL round trip each. */
const BASELINE_TEXTS = 2_000;

/**
 * Batch resolution rate over a registry of two districts, against the target and
 * against a baseline measured in the same run: one indexed SQL look-up per text
 * (exact match on the canonical full text) — the cheapest thing a resolver that
 * asks the database per address could do, before it has parsed anything.
 */
export async function runAddressBench(options: AddressBenchOptions): Promise<void> {
  const hub = await openBenchHub();
  try {
    const registry = withLetteredDoors(generateDemoRegistry({ districts: [XUANWU, QINHUAI], scale: options.registryScale }));
    await importRegistry(hub.db, demoRowSources(registry));
    const labels = generateLabelledTexts(registry, options.texts, 7);
    const texts = labels.map((l) => l.text);

    const resolver = new AddressResolver(hub.db);
    const indexStarted = performance.now();
    const index = await resolver.index();
    const indexMs = performance.now() - indexStarted;

    const rates: number[] = [];
    let results = await resolver.resolve(texts.slice(0, BATCH)); // warm-up
    for (let run = 0; run < options.runs; run++) {
      const started = performance.now();
      results = [];
      for (let i = 0; i < texts.length; i += BATCH) results.push(...(await resolver.resolve(texts.slice(i, i + BATCH))));
      rates.push(texts.length / ((performance.now() - started) / 1000));
    }
    const rate = median(rates);

    // The baseline gets its own index, so it pays one indexed round trip per text and no more.
    await sql`create index if not exists bench_full_text_idx on standard_address (full_text)`.execute(hub.db);
    const sample = texts.slice(0, Math.min(BASELINE_TEXTS, texts.length));
    const baselineRates: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const started = performance.now();
      for (const text of sample) await sql`select code from standard_address where full_text = ${text}`.execute(hub.db);
      baselineRates.push(sample.length / ((performance.now() - started) / 1000));
    }
    const baseline = median(baselineRates);
    const quality = evaluate(labels, results);

    console.log(`address resolution · ${hub.kind} · registry ${index.size} addresses · ${texts.length} texts × ${options.runs} runs (median)`);
    printTable([
      ['measure', 'value', 'ratio'],
      ['gridgraph resolver', `${Math.round(rate)} /s`, `${(rate / TARGET_PER_SECOND).toFixed(1)}× target (${TARGET_PER_SECOND}/s)`],
      ['baseline: 1 SQL look-up per text', `${Math.round(baseline)} /s`, `resolver ${(rate / baseline).toFixed(1)}× baseline`],
      ['index build', `${Math.round(indexMs)} ms`, ''],
      ['precision on these texts', `${(100 * quality.precision).toFixed(2)} %`, ''],
      ['recall on these texts', `${(100 * quality.recall).toFixed(2)} %`, ''],
    ]);
    const file = writeResults(options.out, {
      bench: 'address',
      database: hub.kind,
      registryAddresses: index.size,
      texts: texts.length,
      runs: options.runs,
      perSecond: { median: Math.round(rate), runs: rates.map(Math.round) },
      baselinePerSecond: { median: Math.round(baseline), runs: baselineRates.map(Math.round), description: 'one exact-match SQL look-up per text' },
      targetPerSecond: TARGET_PER_SECOND,
      indexBuildMs: Math.round(indexMs),
      precision: quality.precision,
      recall: quality.recall,
    });
    console.log(`results: ${file}`);
  } finally {
    await hub.close();
  }
}
