import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError } from '../errors/gridgraph-error.js';

/** The longest range one request may ask for. */
export const MAX_MONTHS = 36;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The months from `from` to `to` (`yyyy-MM`, inclusive), in order; BAD_USER_INPUT for anything else or more than {@link MAX_MONTHS}. */
export function monthsBetween(from: string, to: string): string[] {
  const start = parseMonth(from, 'from');
  const end = parseMonth(to, 'to');
  const count = end - start + 1;
  if (count < 1) throw new GridgraphError(ErrorCode.BAD_USER_INPUT, `statistics: to (${to}) is before from (${from})`);
  if (count > MAX_MONTHS) throw new GridgraphError(ErrorCode.BAD_USER_INPUT, `statistics: at most ${MAX_MONTHS} months at once, not ${count}`);
  return Array.from({ length: count }, (_, i) => formatMonth(start + i));
}

/** The month before `month` (`yyyy-MM`). */
export function previousMonth(month: string): string {
  return formatMonth(parseMonth(month, 'month') - 1);
}

function parseMonth(text: string, name: string): number {
  const match = MONTH.exec(text);
  if (match === null) throw new GridgraphError(ErrorCode.BAD_USER_INPUT, `statistics: ${name} must be a month written yyyy-MM, not "${text.slice(0, 20)}"`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function formatMonth(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
