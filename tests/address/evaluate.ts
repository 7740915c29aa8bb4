import type { ResolvedText } from '../../src/address/address-resolver.js';
import type { LabelledText } from './address-variants.js';

/** How a resolver did on a labelled set. */
export interface Evaluation {
  readonly cases: number;
  /** Texts answered with an address (MATCHED or PARTIAL). */
  readonly answered: number;
  /** Texts whose label is an address. */
  readonly answerable: number;
  /** Answered with the labelled address and status. */
  readonly correct: number;
  /** correct / answered. */
  readonly precision: number;
  /** correct / answerable. */
  readonly recall: number;
  /** Texts labelled AMBIGUOUS or UNMATCHED that got exactly that status. */
  readonly refusedRightly: number;
  readonly refusable: number;
  readonly failures: readonly { label: LabelledText; got: ResolvedText }[];
}

export function evaluate(labels: readonly LabelledText[], results: readonly ResolvedText[]): Evaluation {
  let answered = 0;
  let answerable = 0;
  let correct = 0;
  let refusedRightly = 0;
  let refusable = 0;
  const failures: { label: LabelledText; got: ResolvedText }[] = [];
  labels.forEach((label, i) => {
    const got = results[i];
    const gaveAddress = got.status === 'MATCHED' || got.status === 'PARTIAL';
    const wantsAddress = label.expected === 'MATCHED' || label.expected === 'PARTIAL';
    if (gaveAddress) answered++;
    if (wantsAddress) answerable++;
    else refusable++;
    let right: boolean;
    if (wantsAddress) {
      right = got.status === label.expected && got.code === label.code;
      if (right) correct++;
    } else {
      right = got.status === label.expected && (label.code === null || got.candidates.includes(label.code));
      if (right) refusedRightly++;
    }
    if (!right) failures.push({ label, got });
  });
  return {
    cases: labels.length,
    answered,
    answerable,
    correct,
    precision: answered === 0 ? 1 : correct / answered,
    recall: answerable === 0 ? 1 : correct / answerable,
    refusedRightly,
    refusable,
    failures,
  };
}

export function describeEvaluation(e: Evaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  return [
    `${e.cases} texts: precision ${pct(e.precision)} (${e.correct}/${e.answered} answered), recall ${pct(e.recall)} (${e.correct}/${e.answerable} answerable),`,
    `refused rightly (AMBIGUOUS/UNMATCHED) ${e.refusedRightly}/${e.refusable}`,
  ].join(' ');
}

/** The evaluation of each style on its own: every style a text was written in counts it. */
export function evaluateByStyle(labels: readonly LabelledText[], results: readonly ResolvedText[]): Map<string, Evaluation> {
  const byStyle = new Map<string, { labels: LabelledText[]; results: ResolvedText[] }>();
  labels.forEach((label, i) => {
    for (const style of new Set(label.styles)) {
      const group = byStyle.get(style) ?? { labels: [], results: [] };
      group.labels.push(label);
      group.results.push(results[i]);
      byStyle.set(style, group);
    }
  });
  return new Map([...byStyle].sort(([a], [b]) => a.localeCompare(b)).map(([style, group]) => [style, evaluate(group.labels, group.results)]));
}

/** One line per style: texts, precision, recall, refusals right. */
export function describeByStyle(byStyle: ReadonlyMap<string, Evaluation>): string {
  const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
  return [...byStyle].map(([style, e]) =>
    `  ${style.padEnd(40)} ${String(e.cases).padStart(5)} texts  precision ${pct(e.precision)} (${e.correct}/${e.answered})  `
    + `recall ${pct(e.recall)} (${e.correct}/${e.answerable})  refused rightly ${e.refusedRightly}/${e.refusable}`).join('\n');
}
