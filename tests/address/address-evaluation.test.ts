import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { demoRowSources, generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { QINHUAI, XUANWU } from '../../src/demo/districts.js';
import { importRegistry } from '../../src/registry/registry-import.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { generateLabelledTexts, withLetteredDoors } from './address-variants.js';
import { describeByStyle, describeEvaluation, evaluate, evaluateByStyle } from './evaluate.js';

let hub: TestHub;
// The demo registry with doors numbered 附N, 甲N and NA added, so every style of issue 23 has its case.
const registry = withLetteredDoors(generateDemoRegistry({ districts: [XUANWU, QINHUAI] }));

beforeAll(async () => {
  hub = await createTestHub();
  await importRegistry(hub.db, demoRowSources(registry));
});
afterAll(async () => {
  await hub?.close();
});

describe(`address resolution on a labelled set over two districts (${testDatabaseKind})`, () => {
  it('keeps precision ≥ 99.5 % and recall ≥ 97 % on 3,000 generated variants', async () => {
    const labels = generateLabelledTexts(registry, 3_000);
    const kinds = new Set(labels.map((l) => l.expected));
    expect([...kinds].sort()).toEqual(['AMBIGUOUS', 'MATCHED', 'PARTIAL', 'UNMATCHED']);
    const results = await new AddressResolver(hub.db).resolve(labels.map((l) => l.text));
    const evaluation = evaluate(labels, results);
    console.log(`address evaluation: ${describeEvaluation(evaluation)}`);
    console.log(`address evaluation by style (a text counts for each style it was written in):\n${describeByStyle(evaluateByStyle(labels, results))}`);
    for (const { label, got } of evaluation.failures.slice(0, 10)) {
      console.log(`  ${label.text} → ${got.status} ${got.code ?? ''} (wanted ${label.expected} ${label.code ?? ''}; ${label.styles.join(', ')})`);
    }
    expect(evaluation.precision).toBeGreaterThanOrEqual(0.995);
    expect(evaluation.recall).toBeGreaterThanOrEqual(0.97);
    expect(evaluation.refusedRightly / evaluation.refusable).toBeGreaterThanOrEqual(0.97);
  });

  it('holds on a second set drawn with another seed', async () => {
    const labels = generateLabelledTexts(registry, 1_000, 9001);
    const evaluation = evaluate(labels, await new AddressResolver(hub.db).resolve(labels.map((l) => l.text)));
    console.log(`address evaluation (seed 9001): ${describeEvaluation(evaluation)}`);
    expect(evaluation.precision).toBeGreaterThanOrEqual(0.995);
    expect(evaluation.recall).toBeGreaterThanOrEqual(0.97);
  });
});
