import type { RawMonth } from './area-statistics.js';
import { MIN_RESIDENTS } from './suppression.js';

/** One part of the index: the figure, its score, weight and contribution. */
export interface StabilityComponent {
  name: string;
  value: number | null;
  reference: number;
  score: number | null;
  weight: number;
  contribution: number | null;
}

export interface StabilityIndex {
  areaCode: string;
  month: string;
  value: number | null;
  components: StabilityComponent[];
}

/**
 * The formula (docs/stability-index.md). Each component's figure is turned
 * into a score from 100 (calm) to 0 on a fixed, linear scale — the reference is
 * the figure that scores 0 — so a month compares with any other; the index is
 * the weighted sum of the scores. The weights add up to 1.
 */
export const STABILITY_COMPONENTS = [
  { name: 'INCIDENT_RATE', weight: 0.3, reference: 40, figure: (m: RawMonth) => perThousand(m.incidents, m.residents) },
  { name: 'DISPUTE_RATE', weight: 0.3, reference: 20, figure: (m: RawMonth) => perThousand(m.disputes, m.residents) },
  { name: 'UNRESOLVED_SHARE', weight: 0.2, reference: 1, figure: (m: RawMonth) => share(m.events.reported - m.events.closed, m.events.reported) },
  { name: 'OVERDUE_SHARE', weight: 0.2, reference: 1, figure: (m: RawMonth) => share(m.events.overdue, m.events.reported) },
] as const;

/** The index of one area and month from its figures; value and figures null when the area has too few residents. */
export function stabilityIndex(areaCode: string, month: string, figures: RawMonth): StabilityIndex {
  const shown = figures.residents >= MIN_RESIDENTS;
  const components = STABILITY_COMPONENTS.map(({ name, weight, reference, figure }): StabilityComponent => {
    if (!shown) return { name, value: null, reference, score: null, weight, contribution: null };
    const value = figure(figures);
    const score = round(100 * Math.max(0, 1 - value / reference));
    return { name, value: round(value, 4), reference, score, weight, contribution: round(weight * score) };
  });
  const value = shown ? round(components.reduce((sum, c) => sum + (c.contribution ?? 0), 0)) : null;
  return { areaCode, month, value, components };
}

function perThousand(count: number, residents: number): number {
  return residents === 0 ? 0 : (count * 1000) / residents;
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
