import type { ChangeValueFormat, LocalTimeFormat } from '../connectors/connector.js';

export type { ChangeValueFormat, LocalTimeFormat };

/**
 * Dates and times as departments write them: local wall-clock text in one of a
 * few formats, with no zone. Parsed strictly — a month 13 or a 25th hour is not
 * a time — so garbage is told apart from data (issue 16).
 */

/** The sources' local zone when a connector names none: China Standard Time (Asia/Shanghai, no daylight saving since 1991). */
export const DEFAULT_UTC_OFFSET = '+08:00';

/** Wall-clock parts of a local time, checked to exist on the calendar. */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Present when the text carried its own offset (`+08`, `+08:00`, `Z`). */
  readonly offset?: string;
}

const PATTERNS: Record<LocalTimeFormat | ChangeValueFormat, RegExp> = {
  yyyyMMdd: /^(\d{4})(\d{2})(\d{2})$/,
  'yyyy-MM-dd HH:mm:ss': /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
  yyyyMMddHHmmss: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
  'yyyy/MM/dd HH:mm': /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})()$/,
  timestamp: /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(Z|[+-]\d{2}(?::?\d{2})?)?$/,
};

/** The local time a text holds in a format, or null when it is not one (wrong shape, or no such day or time). */
export function parseLocalTime(text: string, format: LocalTimeFormat | ChangeValueFormat): LocalTime | null {
  const match = PATTERNS[format].exec(text.trim());
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] || 0));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = match[7] === undefined ? undefined : normaliseOffset(match[7]);
  return { year, month, day, hour, minute, second, ...(offset === undefined ? {} : { offset }) };
}

/** The instant a local time stands for, in milliseconds since the epoch, in `utcOffset` unless it carries its own. */
export function instantOf(time: LocalTime, utcOffset: string): number {
  const offset = time.offset ?? utcOffset;
  const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
  const offsetMinutes = offset === 'Z' ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second) - offsetMinutes * 60_000;
}

/** `yyyy-MM-dd`. */
export function isoDate(time: LocalTime): string {
  return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
}

/** `yyyy-MM-ddTHH:mm:ss±hh:mm`: the local time with its zone, as every timestamp of the graph. */
export function isoDateTime(time: LocalTime, utcOffset: string): string {
  const offset = time.offset ?? utcOffset;
  return `${isoDate(time)}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}${offset === 'Z' ? 'Z' : offset}`;
}

/** Checks a configured offset (`+08:00`) and returns it; throws naming the value otherwise. */
export function checkUtcOffset(offset: string, owner: string): string {
  if (!/^[+-](0\d|1[0-4]):[0-5]\d$/.test(offset)) throw new Error(`${owner}: utcOffset must look like +08:00, got "${offset}"`);
  return offset;
}

function normaliseOffset(offset: string): string {
  if (offset === 'Z') return 'Z';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
