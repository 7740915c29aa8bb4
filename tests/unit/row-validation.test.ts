import { describe, expect, it } from 'vitest';
import { parseAddressRow, parseGridRow } from '../../src/registry/row-validation.js';

const names = { province: '江苏省', city: '南京市', district: '玄武区', street: '梅园新村街道', community: '大行宫社区', division_code: '320102002001' };
const door = { address_code: 'A1', ...names, road: '长江路', road_number: '292' };
const parse = (values: Record<string, string>) => parseAddressRow('addresses.csv', { line: 7, values });

describe('address rows', () => {
  it('derive the level from what is filled', () => {
    expect(parse(door).record?.level).toBe('DOOR');
    expect(parse({ ...door, building: '3' }).record?.level).toBe('BUILDING');
    expect(parse({ ...door, building: '3', unit: '2', floor: '5', room: '501' }).record?.level).toBe('ROOM');
  });

  it('fold full-width digits and trim spaces', () => {
    expect(parse({ ...door, road_number: ' ８８－１ ' }).record?.road_number).toBe('88-1');
  });

  it('report every problem of a row with its line and field', () => {
    const { problems } = parse({ ...door, address_code: 'bad code', division_code: '3201', room: '501', longitude: '200', latitude: '32' });
    expect(problems?.map((p) => [p.line, p.field])).toEqual([
      [7, 'address_code'],
      [7, 'division_code'],
      [7, 'longitude'],
      [7, 'room'],
    ]);
    expect(problems?.map((p) => p.reason).join('\n')).toMatch(/room is given without a building/);
  });

  it('want longitude and latitude together', () => {
    expect(parse({ ...door, longitude: '118.8' }).problems?.[0].reason).toBe('longitude and latitude go together: give both or neither');
  });

  it('reject a unit or floor without a room', () => {
    expect(parse({ ...door, building: '3', unit: '2' }).problems?.[0].reason).toBe('unit is given without a room');
    expect(parse({ ...door, building: '3', floor: '2' }).problems?.[0].reason).toBe('floor is given without a room');
  });

  it('require the columns a standard address cannot do without', () => {
    const { problems } = parse({ address_code: 'A1', ...names, road: '', road_number: '' });
    expect(problems?.map((p) => p.reason)).toEqual(['road is required', 'road_number is required']);
  });
});

describe('grid rows', () => {
  it('accept both kinds, default RESIDENTIAL, and reject others', () => {
    const row = { grid_code: 'G1', name: '第1网格', ...names };
    expect(parseGridRow('grids.csv', { line: 2, values: row }).record?.kind).toBe('RESIDENTIAL');
    expect(parseGridRow('grids.csv', { line: 2, values: { ...row, kind: 'dedicated' } }).record?.kind).toBe('DEDICATED');
    expect(parseGridRow('grids.csv', { line: 2, values: { ...row, kind: 'PARK' } }).problems?.[0]).toMatchObject({
      line: 2,
      field: 'kind',
      reason: 'kind "PARK" is not RESIDENTIAL or DEDICATED',
    });
  });
});
