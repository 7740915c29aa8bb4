import { type ChangeValueFormat, instantOf, parseLocalTime } from '../sources/local-time.js';

/**
 * How far in the future a change value may lie and still move the watermark:
 * the clock skew allowed between a source and the hub. A row stamped further
 * ahead is synced but listed as a bad change value; were it to become the
 * watermark, every row changed until that moment would be passed over.
 */
export const CHANGE_VALUE_FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Whether a change value may move the watermark: a real time in the column's
 * format, in the source's zone, not beyond the tolerance in the future.
 */
export function isGoodChangeValue(text: string, format: ChangeValueFormat, utcOffset: string, now: number): boolean {
  const time = parseLocalTime(text, format);
  return time !== null && instantOf(time, utcOffset) <= now + CHANGE_VALUE_FUTURE_TOLERANCE_MS;
}
