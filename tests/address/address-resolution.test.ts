import { describe, expect, it } from 'vitest';
import { chineseNumeralToDigits, convertNumerals } from '../../src/address/chinese-numerals.js';
import { cleanAddressText } from '../../src/address/clean-text.js';
import { AddressIndex } from '../../src/address/address-index.js';
import { resolveWith } from '../../src/address/address-resolver.js';
import { CODES, fixtureIndex } from './fixture-index.js';

const index = fixtureIndex();
const resolve = (text: string) => resolveWith(index, text);
const matches = (text: string, code: string) => {
  const result = resolve(text);
  expect({ text, status: result.status, code: result.code }).toEqual({ text, status: 'MATCHED', code });
  return result;
};

describe('text cleaning and numerals', () => {
  it('folds full-width forms, dashes, spaces and punctuation', () => {
    expect(cleanAddressText('（玄武区） 长江路２９２号，３栋－２－５０１')).toBe('玄武区长江路292号3栋-2-501');
    expect(cleanAddressText('长江路292 3栋')).toBe('长江路292|3栋');
  });

  it('reads Chinese numerals positionally or digit by digit', () => {
    expect(['十八', '二十三', '一百零二', '五〇一', '两百', '十'].map(chineseNumeralToDigits)).toEqual(['18', '23', '102', '501', '200', '10']);
    expect(chineseNumeralToDigits('十百')).toBeUndefined();
  });

  it('converts numerals only before a marker or after 第/之, not inside names', () => {
    expect(convertNumerals('三栋二单元五〇一室')).toBe('3栋2单元501室');
    expect(convertNumerals('第三栋')).toBe('3栋');
    expect(convertNumerals('三元巷十二号')).toBe('三元巷12号');
  });
});

describe('parsing: each variation of docs/design.md §3.2 reaches the same room', () => {
  const room = CODES.room3_2_501;
  it.each([
    ['full prefix', '江苏省南京市玄武区梅园新村街道大行宫社区长江路292号颐和花园3栋2单元501室'],
    ['short prefixes', '江苏南京玄武长江路292号3栋2单元501'],
    ['city and district', '南京玄武区长江路292号3栋2单元501室'],
    ['street only', '梅园新村街道长江路292号3栋2单元501室'],
    ['community only', '大行宫社区长江路292号3栋2单元501室'],
    ['no prefix', '长江路292号3栋2单元501室'],
    ['full-width digits', '长江路２９２号３栋２单元５０１室'],
    ['Chinese numerals', '长江路二百九十二号三栋二单元五〇一室'],
    ['幢', '长江路292号3幢2单元501室'],
    ['号楼', '长江路292号3号楼2单元501室'],
    ['#', '长江路292号3#2单元501室'],
    ['#楼', '长江路292号3#楼2单元501室'],
    ['座', '长江路292号3座2单元501室'],
    ['第N栋', '长江路292号第三栋二单元501室'],
    ['building-unit-room', '长江路292号3-2-501'],
    ['building then unit-room', '长江路292号3栋2-501'],
    ['door-building-unit-room without 号', '长江路292-3-2-501'],
    ['room with 号', '长江路292号3栋2单元501号'],
    ['room with nothing', '长江路292号3栋2单元501'],
    ['floor given', '长江路292号3栋2单元5楼501'],
    ['compound after the door', '长江路292号颐和花园3栋2单元501室'],
    ['a street short name that could be a compound', '梅园新村长江路292号3栋2单元501室'],
    ['compound in brackets before the door', '颐和花园（长江路292号）3栋2单元501室'],
    ['compound without road', '颐和花园3栋2单元501室'],
    ['compound with 小区 added', '颐和花园小区3栋2单元501室'],
    ['号院', '长江路292号院3号楼2单元501'],
    ['stray spaces', ' 玄武区  长江路 292 号 3 栋 2 单元 501 室 '],
    ['stray punctuation', '玄武区，长江路292号、3栋；2单元：501室。'],
    ['a lead word', '家庭住址：玄武区长江路292号3栋2单元501室'],
    ['a note after', '长江路292号3栋2单元501室（出租）'],
    ['居委会 after the community', '大行宫社区居委会长江路292号3栋2单元501室'],
  ])('%s', (_, text) => {
    matches(text, room);
  });

  it('reports what it read', () => {
    const { parsed } = resolve('玄武区长江路292号颐和花园三栋二单元五〇一室（出租）');
    expect(parsed).toMatchObject({ road: '长江路', roadNumber: '292', compounds: ['颐和花园'], building: '3', unit: '2', room: '501', leftover: ['出租'] });
    expect(parsed.mentions.map((m) => m.name)).toEqual(['玄武区', '长江路', '颐和花园']);
  });
});

describe('door numbers', () => {
  it.each([['长江路88-1号'], ['长江路88号之一'], ['长江路88之1号'], ['长江路八十八号之一'], ['长江路８８－１号']])('%s is door 88-1', (text) => {
    matches(text, CODES.door88_1);
  });

  it('does not read a building number into the 之 suffix', () => {
    expect(resolve('长江路88号之一3栋')).toMatchObject({ status: 'PARTIAL', code: CODES.door88_1 });
  });

  it('does not take digits running into a building marker as a door number', () => {
    expect(resolve('长江路3栋').status).toBe('UNMATCHED');
  });
});

describe('statuses', () => {
  it('MATCHED at the finest level named: door, building, room', () => {
    expect(matches('长江路292号', CODES.door292).level).toBe('DOOR');
    expect(matches('长江路292号3栋', CODES.building3).level).toBe('BUILDING');
    expect(matches('长江路292号3栋1单元502室', CODES.room3_1_502).level).toBe('ROOM');
  });

  it('MATCHED when the unit is left out and only one unit has that room', () => {
    matches('长江路292号3栋502室', CODES.room3_1_502);
    matches('长江路292号5栋301室', CODES.room5_301);
    matches('长江路292号5栋1单元301室', CODES.room5_301); // a building without units: 1单元 is its only one
  });

  it('PARTIAL with the nearest existing ancestor when a building or room does not exist', () => {
    expect(resolve('长江路292号9栋')).toMatchObject({ status: 'PARTIAL', code: CODES.door292, level: 'DOOR' });
    expect(resolve('长江路292号3栋2单元999室')).toMatchObject({ status: 'PARTIAL', code: CODES.building3, level: 'BUILDING' });
    expect(resolve('长江路292号3栋7单元')).toMatchObject({ status: 'PARTIAL', code: CODES.building3 });
    expect(resolve('长江路292号3栋2单元4楼501')).toMatchObject({ status: 'PARTIAL', code: CODES.building3 }); // room 501 is on floor 5
  });

  it('PARTIAL, not MATCHED, when digits after the door could not be read', () => {
    const result = resolve('长江路292号3栋2单元501室5-5');
    expect(result).toMatchObject({ status: 'PARTIAL', code: CODES.room3_2_501 });
    expect(result.reason).toMatch(/could not be read/);
  });

  it('AMBIGUOUS for the same road and number in two districts when no district is named', () => {
    const result = resolve('中山东路10号');
    expect(result).toMatchObject({ status: 'AMBIGUOUS', code: null, candidates: [CODES.qinhuai10, CODES.xuanwu10] });
    expect(result.confidence).toBe(0.5);
    matches('秦淮区中山东路10号', CODES.qinhuai10);
    matches('玄武中山东路10号', CODES.xuanwu10);
    matches('户部街社区中山东路10号', CODES.qinhuai10);
  });

  it('AMBIGUOUS for a unit-less room number that is in several units', () => {
    expect(resolve('长江路292号3栋501室')).toMatchObject({ status: 'AMBIGUOUS', candidates: [CODES.room3_1_501, CODES.room3_2_501] });
  });

  it.each([
    ['a road not in the registry', '幸福路12号'],
    ['a number not in the registry', '长江路293号'],
    ['a district not in the registry', '鼓楼区长江路292号'],
    ['a city not in the registry', '苏州市长江路292号'],
    ['an unknown short district name', '鼓楼长江路292号'],
    ['a longer road ending in a known one', '北长江路292号'],
    ['a district the door is not in', '秦淮区长江路292号'],
    ['a compound the door does not have', '长江路88-1号颐和花园'],
    ['a road without a number', '玄武区长江路'],
    ['nothing readable', '请联系网格员'],
  ])('UNMATCHED for %s, never the nearest', (_, text) => {
    expect(resolve(text)).toMatchObject({ status: 'UNMATCHED', code: null, confidence: 0 });
  });

  it('says why it did not match', () => {
    expect(resolve('长江路293号').reason).toBe('no door 长江路 293号 in the registry');
    expect(resolve('鼓楼区长江路292号').reason).toBe('names a place the registry does not have: 鼓楼区');
  });

  it('is less confident when the text names no region or carries unreadable words', () => {
    expect(resolve('玄武区长江路292号').confidence).toBe(1);
    expect(resolve('长江路292号').confidence).toBe(0.95);
    expect(resolve('长江路292号（出租）').confidence).toBe(0.9);
  });
});

describe('a registry written in other habits (suffixes in the cells, letters, 小区)', () => {
  const other = AddressIndex.build(
    [
      { code: '320000', name: '江苏省', level: 'PROVINCE', parent_code: null },
      { code: '320100', name: '南京市', level: 'CITY', parent_code: '320000' },
      { code: '320106', name: '鼓楼区', level: 'DISTRICT', parent_code: '320100' },
      { code: '320106001', name: '宁海路街道', level: 'STREET', parent_code: '320106' },
      { code: '320106001001', name: '江苏路社区', level: 'COMMUNITY', parent_code: '320106001' },
    ],
    [
      { code: 'D', level: 'DOOR', division_code: '320106001001', road: '宁海路', road_number: '12号', compound: '颐和小区', building: null, unit: null, floor: null, room: null, parent_code: null },
      { code: 'B', level: 'BUILDING', division_code: '320106001001', road: '宁海路', road_number: '12号', compound: '颐和小区', building: 'A座', unit: null, floor: null, room: null, parent_code: 'D' },
      { code: 'R', level: 'ROOM', division_code: '320106001001', road: '宁海路', road_number: '12号', compound: '颐和小区', building: 'A座', unit: '1单元', floor: '3', room: '301室', parent_code: 'B' },
    ],
  );
  it.each([
    ['鼓楼区宁海路12号a座1-301', 'R'],
    ['宁海路十二号A座一单元三〇一', 'R'],
    ['颐和小区A座1单元301室', 'R'],
    ['颐和A座1单元301', 'R'],
    ['宁海路12号颐和A座301', 'R'],
    ['宁海路12号 颐和 A座 1单元 301', 'R'],
    ['宁海路12号东门A座', 'B'],
  ])('%s', (text, code) => {
    expect(resolveWith(other, text)).toMatchObject({ status: 'MATCHED', code });
  });

  it('knows any imported district: the gazetteer is the registry', () => {
    expect(resolveWith(other, '江苏南京鼓楼宁海路街道宁海路12号')).toMatchObject({ status: 'MATCHED', code: 'D' });
    expect(resolveWith(other, '玄武区宁海路12号').status).toBe('UNMATCHED');
  });
});
