import { describe, expect, it } from 'vitest';
import type { Connector } from '../../src/connectors/connector.js';
import { invalidDateText, presentValue } from '../../src/sources/facet-reader.js';
import { parseLocalTime } from '../../src/sources/local-time.js';
import { isGoodChangeValue } from '../../src/sync/change-value.js';

const connector = (utcOffset?: string) => ({ name: 'x', codeTables: {}, utcOffset }) as unknown as Connector;

describe('local dates and times', () => {
  it('serves only real dates and times, times with the source zone', () => {
    const shanghai = connector();
    expect(presentValue(shanghai, { column: 'A', format: 'yyyyMMdd' }, '20240229')).toBe('2024-02-29');
    expect(presentValue(shanghai, { column: 'A', format: 'yyyyMMdd' }, '20231345')).toBeNull();
    expect(presentValue(shanghai, { column: 'A', format: 'yyyyMMdd' }, '20230229')).toBeNull();
    expect(presentValue(shanghai, { column: 'A', format: 'yyyy-MM-dd HH:mm:ss' }, '2024-05-01 08:30:00')).toBe('2024-05-01T08:30:00+08:00');
    expect(presentValue(shanghai, { column: 'A', format: 'yyyy-MM-dd HH:mm:ss' }, '2024-13-45T25:61:61')).toBeNull();
    expect(presentValue(shanghai, { column: 'A', format: 'yyyyMMddHHmmss' }, '20240501083000')).toBe('2024-05-01T08:30:00+08:00');
    expect(presentValue(connector('+05:00'), { column: 'A', format: 'yyyyMMddHHmmss' }, '20240501083000')).toBe('2024-05-01T08:30:00+05:00');
  });

  it('gives the raw text of a date that is not one, and nothing for an empty or valid one', () => {
    expect(invalidDateText({ column: 'A', format: 'yyyyMMdd' }, ' 20231345 ')).toBe('20231345');
    expect(invalidDateText({ column: 'A', format: 'yyyyMMdd' }, '20231231')).toBeNull();
    expect(invalidDateText({ column: 'A', format: 'yyyyMMdd' }, '')).toBeNull();
    expect(invalidDateText({ column: 'A' }, 'anything')).toBeNull();
  });

  it('reads native timestamp text with fractions and offsets', () => {
    expect(parseLocalTime('2026-01-01 08:00:00', 'timestamp')).toMatchObject({ year: 2026, hour: 8 });
    expect(parseLocalTime('2026-01-01 08:00:00.123456+08', 'timestamp')).toMatchObject({ offset: '+08:00' });
    expect(parseLocalTime('2026/01/01 08:00', 'yyyy/MM/dd HH:mm')).toMatchObject({ minute: 0, second: 0 });
  });

  it('a change value moves the watermark only when it is a time not beyond five minutes ahead', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0); // 08:00 in +08:00
    expect(isGoodChangeValue('2026-01-01 08:04:59', 'timestamp', '+08:00', now)).toBe(true);
    expect(isGoodChangeValue('2026-01-01 08:05:01', 'timestamp', '+08:00', now)).toBe(false);
    expect(isGoodChangeValue('zzzz-99-99 99:99:99', 'timestamp', '+08:00', now)).toBe(false);
    expect(isGoodChangeValue('20260101080000', 'timestamp', '+08:00', now)).toBe(false);
    expect(isGoodChangeValue('20260101080000', 'yyyyMMddHHmmss', '+08:00', now)).toBe(true);
  });
});
