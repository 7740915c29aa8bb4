/**
 * Small-number suppression (no re-identification through small counts):
 * - a count of events or persons from 1 to {@link MIN_COUNT} − 1 is withheld
 *   (null); 0 is shown;
 * - closed and open are complements of reported: when one is withheld, so is
 *   the other;
 * - in a breakdown (by department, kind, category) where exactly one group's
 *   count is withheld, the next smallest non-zero count is withheld too, so the
 *   total minus the others does not give it away;
 * - a duration over fewer than {@link MIN_COUNT} events is withheld;
 * - an area with fewer than {@link MIN_RESIDENTS} residents shows no resident
 *   count, no rate per 1,000 and no stability index.
 */
export const MIN_COUNT = 5;
export const MIN_RESIDENTS = 100;

/** The counts of a set of events before suppression. */
export interface RawCounts {
  readonly reported: number;
  readonly closed: number;
  readonly overdue: number;
}

/** The counts as served: null where withheld. */
export interface ShownCounts {
  reported: number | null;
  closed: number | null;
  open: number | null;
  overdue: number | null;
}

/** A count as shown: withheld when small but not zero. */
export function shownCount(count: number): number | null {
  return count > 0 && count < MIN_COUNT ? null : count;
}

export function shownCounts(raw: RawCounts): ShownCounts {
  const open = raw.reported - raw.closed;
  const complementsShown = shownCount(raw.closed) !== null && shownCount(open) !== null;
  return {
    reported: shownCount(raw.reported),
    closed: complementsShown ? raw.closed : null,
    open: complementsShown ? open : null,
    overdue: shownCount(raw.overdue),
  };
}

/** Withholds, per figure, a second group's count where exactly one group's is withheld (see the module comment). */
export function protectBreakdown(raw: readonly RawCounts[], shown: ShownCounts[]): void {
  const figures = ['reported', 'closed', 'open', 'overdue'] as const;
  const value = (counts: RawCounts, figure: (typeof figures)[number]) => (figure === 'open' ? counts.reported - counts.closed : counts[figure]);
  for (const figure of figures) {
    const withheld = shown.filter((counts) => counts[figure] === null).length;
    if (withheld !== 1) continue;
    let smallest = -1;
    shown.forEach((counts, i) => {
      const v = value(raw[i], figure);
      if (counts[figure] !== null && v > 0 && (smallest < 0 || v < value(raw[smallest], figure))) smallest = i;
    });
    if (smallest >= 0) shown[smallest][figure] = null;
  }
}
