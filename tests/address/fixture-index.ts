import { AddressIndex, type IndexRow } from '../../src/address/address-index.js';
import type { RegionRow } from '../../src/db/hub-schema.js';

/**
 * A registry small enough to read at a glance:
 * - 玄武区 梅园新村街道 大行宫社区: 长江路292号 (compound 颐和花园; building 3 with units 1–2,
 *   room 501 in both units and 502 in unit 1 only; building 5 without units, room 301),
 *   长江路88-1号, 中山东路10号;
 * - 秦淮区 洪武路街道 户部街社区: 中山东路10号 too (the same road runs through both).
 */
const regions: RegionRow[] = [
  { code: '320000', name: '江苏省', level: 'PROVINCE', parent_code: null },
  { code: '320100', name: '南京市', level: 'CITY', parent_code: '320000' },
  { code: '320102', name: '玄武区', level: 'DISTRICT', parent_code: '320100' },
  { code: '320102002', name: '梅园新村街道', level: 'STREET', parent_code: '320102' },
  { code: '320102002001', name: '大行宫社区', level: 'COMMUNITY', parent_code: '320102002' },
  { code: '320104', name: '秦淮区', level: 'DISTRICT', parent_code: '320100' },
  { code: '320104004', name: '洪武路街道', level: 'STREET', parent_code: '320104' },
  { code: '320104004002', name: '户部街社区', level: 'COMMUNITY', parent_code: '320104004' },
];

const XW = '320102002001';
const QH = '320104004002';
const row = (code: string, fields: Partial<IndexRow>): IndexRow => ({
  code, level: 'DOOR', division_code: XW, road: '长江路', road_number: '292', compound: null,
  building: null, unit: null, floor: null, room: null, parent_code: null, ...fields,
});

export const CODES = {
  door292: 'D292',
  building3: 'B3',
  room3_1_501: 'R3-1-501',
  room3_2_501: 'R3-2-501',
  room3_1_502: 'R3-1-502',
  building5: 'B5',
  room5_301: 'R5-301',
  door88_1: 'D88-1',
  xuanwu10: 'XW10',
  qinhuai10: 'QH10',
} as const;

const rows: IndexRow[] = [
  row(CODES.door292, {}),
  row(CODES.building3, { level: 'BUILDING', compound: '颐和花园', building: '3', parent_code: CODES.door292 }),
  row(CODES.room3_1_501, { level: 'ROOM', compound: '颐和花园', building: '3', unit: '1', floor: '5', room: '501', parent_code: CODES.building3 }),
  row(CODES.room3_2_501, { level: 'ROOM', compound: '颐和花园', building: '3', unit: '2', floor: '5', room: '501', parent_code: CODES.building3 }),
  row(CODES.room3_1_502, { level: 'ROOM', compound: '颐和花园', building: '3', unit: '1', floor: '5', room: '502', parent_code: CODES.building3 }),
  row(CODES.building5, { level: 'BUILDING', compound: '颐和花园', building: '5栋', parent_code: CODES.door292 }),
  row(CODES.room5_301, { level: 'ROOM', compound: '颐和花园', building: '5栋', floor: '3', room: '301室', parent_code: CODES.building5 }),
  row(CODES.door88_1, { road_number: '88-1' }),
  row(CODES.xuanwu10, { road: '中山东路', road_number: '10' }),
  row(CODES.qinhuai10, { division_code: QH, road: '中山东路', road_number: '10号' }),
];

export function fixtureIndex(): AddressIndex {
  return AddressIndex.build(regions, rows);
}
