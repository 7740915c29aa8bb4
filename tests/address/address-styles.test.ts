import { describe, expect, it } from 'vitest';
import { AddressIndex, type IndexRow } from '../../src/address/address-index.js';
import { resolveWith } from '../../src/address/address-resolver.js';
import type { RegionRow } from '../../src/db/hub-schema.js';

/**
 * Issue 23: the styles departments really write, one class at a time, each with the
 * texts that must be answered and those that never may. A registry of one district
 * (鼓楼区), written here so every expected code can be read off it.
 */
const regions: RegionRow[] = [
  { code: '320000', name: '江苏省', level: 'PROVINCE', parent_code: null },
  { code: '320100', name: '南京市', level: 'CITY', parent_code: '320000' },
  { code: '320106', name: '鼓楼区', level: 'DISTRICT', parent_code: '320100' },
  { code: '320106001', name: '宁海路街道', level: 'STREET', parent_code: '320106' },
  { code: '320106001001', name: '江苏路社区', level: 'COMMUNITY', parent_code: '320106001' },
];
const door = (code: string, road: string, road_number: string, compound: string | null = null): IndexRow => ({
  code, level: 'DOOR', division_code: '320106001001', road, road_number, compound, building: null, unit: null, floor: null, room: null, parent_code: null,
});
const building = (code: string, parent: IndexRow, name: string): IndexRow => ({ ...parent, code, level: 'BUILDING', building: name, parent_code: parent.code });
const room = (code: string, parent: IndexRow, unit: string | null, floor: string, name: string): IndexRow => ({
  ...parent, code, level: 'ROOM', unit, floor, room: name, parent_code: parent.code,
});

const huju27 = door('HJ27', '虎踞路', '27');
const hunan134 = door('HN134', '湖南路', '134', '玉兰小区');
const yulan2 = building('YL2', hunan134, '2');
const anren8 = door('AR8', '安仁街', '8', '静安小区');
const jingan4 = building('JA4', anren8, '4');
const yunnan31 = door('YN31', '云南路', '31', '鸿运小区');
const gateA = door('WL10', '上海路', '10', '蔚蓝苑');
const gateB = door('WL20', '上海路', '20', '蔚蓝苑');
const zhongshan55 = door('ZS55', '中山路', '55');
const zs1 = building('ZS1', zhongshan55, '1');

const rows: IndexRow[] = [
  huju27, building('HJ27-3', huju27, '3'),
  hunan134, yulan2, room('YL2-3-404', yulan2, '3', '4', '404'),
  door('XH292', '学海路', '292'),
  anren8, jingan4, room('JA4-2-602', jingan4, '2', '6', '602'),
  yunnan31, building('HY2', yunnan31, '2'),
  door('NH5', '宁海路', '5'), door('NH-F5', '宁海路', '附5'),
  door('HN109A', '湖南路', '109A'),
  door('BJ12', '北京西路', '12'), door('BJ-J12', '北京西路', '甲12号'),
  door('HK28', '汉口路', '28'), door('HK28A', '汉口路', '28A'), door('HK30A', '汉口路', '30a'),
  door('GZ88', '广州路', '88'), door('GZ90', '广州路', '90'), door('GZ92-94', '广州路', '92至94号'),
  gateA, building('WL10-1', gateA, '1'), building('WL10-2', gateA, '2'),
  gateB, building('WL20-1', gateB, '1'), building('WL20-8', gateB, '8号楼'),
  door('YX336', '尧新大道', '336'),
  zhongshan55, zs1, room('ZS1-101', zs1, null, '1', '101'), room('ZS1-1011', zs1, null, '10', '1011'),
];
const index = AddressIndex.build(regions, rows);
const resolve = (text: string) => resolveWith(index, text);
const expectMatch = (text: string, code: string) => expect({ text, ...pick(resolve(text)) }).toEqual({ text, status: 'MATCHED', code });
const expectUnmatched = (text: string) => expect({ text, ...pick(resolve(text)) }).toEqual({ text, status: 'UNMATCHED', code: null });
const pick = ({ status, code }: { status: string; code: string | null }) => ({ status, code });

describe('1. traditional characters are read as simplified', () => {
  it.each([
    ['南京市，虎踞路27號，三棟', 'HJ27-3'],
    ['湖南路134號玉蘭小區2# 3單元404室', 'YL2-3-404'],
    ['江蘇省南京市鼓樓區湖南路134號玉蘭小區2棟3單元4樓404室', 'YL2-3-404'],
    ['鼓樓區寧海路附5號', 'NH-F5'],
    ['安仁街8號靜安小區4棟2單元602室', 'JA4-2-602'],
    ['蔚藍苑8號樓', 'WL20-8'],
  ])('%s', (text, code) => expectMatch(text, code));

  it('never answers a coarser address as the match when a marker is not read', () => {
    // 単 (a Japanese form) is not folded: the unit is not read, so the building is PARTIAL, not MATCHED.
    expect(resolve('湖南路134號玉蘭小區2#3単元404室').status).toBe('PARTIAL');
    // 叁 (a financial numeral) is not read as a building: the door is PARTIAL, with the reason.
    const result = resolve('虎踞路27号叁栋');
    expect(result).toMatchObject({ status: 'PARTIAL', code: 'HJ27' });
    expect(result.reason).toMatch(/could not be read \(叁栋\)/);
  });
});

describe('2. an offset from a door, or "near" it, is not that door', () => {
  it.each([
    '学海路292号东侧50米', '学海路292号南侧约100米', '学海路292号西边', '学海路292号附近', '学海路292号对面',
    '学海路292号旁边', '学海路292号东北角', '学海路二百九十二号东侧五十米', '虎踞路27号3栋北面', '学海路292号 往东200米',
  ])('%s → UNMATCHED with a reason', (text) => {
    const result = resolve(text);
    expect(result).toMatchObject({ status: 'UNMATCHED', code: null });
    expect(result.reason).toMatch(/off the address/);
  });

  it.each(['学海路292号门前', '学海路292号门口', '学海路292号 门前'])('%s is the frontage of that door', (text) => expectMatch(text, 'XH292'));

  it('a gate is not an offset', () => expectMatch('上海路20号东门8号楼', 'WL20-8'));
});

describe('3. a compound name that is not the registry\'s is not answered with another', () => {
  it.each([
    ['another tail (家园 for 小区)', '静安家园4栋2单元602室'],
    ['another tail (苑)', '静安苑4栋'],
    ['another tail (花园)', '玉兰花园，2栋'],
    ['a direction glued to the stem', '鸿运东2栋'],
    ['a one-character typo', '静按小区4栋2单元602室'],
    ['a typo after the door', '安仁街8号静按小区4栋'],
    ['another tail after the door', '安仁街8号静安家园4栋'],
    ['an unknown compound before the door', '幸福家园（安仁街8号）4栋'],
    ['a bare stem of a name that does not end in 小区', '蔚蓝8号楼'],
  ])('%s: %s → UNMATCHED', (_, text) => {
    const result = resolve(text);
    expect(result).toMatchObject({ status: 'UNMATCHED', code: null });
  });

  it.each([
    ['静安小区4栋2单元602室', 'JA4-2-602'],
    ['静安4栋2单元602室', 'JA4-2-602'],
    ['玉兰小区2栋3单元404室', 'YL2-3-404'],
    ['安仁街8号静安小区4栋', 'JA4'],
    ['安仁街8号静安4栋', 'JA4'],
    ['蔚蓝苑小区8号楼', 'WL20-8'],
    ['鸿运小区东门2栋', 'HY2'],
  ])('the registry\'s own name, with or without 小区: %s', (text, code) => expectMatch(text, code));
});

describe('4. 附 / 甲 / letter door numbers are read, and matched only exactly', () => {
  it.each([
    ['宁海路附5号', 'NH-F5'],
    ['宁海路5号', 'NH5'],
    ['湖南路109A号', 'HN109A'],
    ['湖南路109a号', 'HN109A'],
    ['湖南路１０９ａ号', 'HN109A'],
    ['北京西路甲12号', 'BJ-J12'],
    ['北京西路12号', 'BJ12'],
    ['汉口路28A号', 'HK28A'],
    ['汉口路28号', 'HK28'],
    ['汉口路30A号', 'HK30A'],
  ])('%s', (text, code) => expectMatch(text, code));

  it.each(['汉口路28B号', '汉口路30号', '湖南路109号', '湖南路109B号', '宁海路附6号', '北京西路乙12号', '宁海路甲5号'])(
    '%s → UNMATCHED, never the nearest number', (text) => expectUnmatched(text),
  );
});

describe('5. a range of door numbers is no one door', () => {
  it.each(['广州路88至90号', '广州路88-90号', '广州路88～90号', '广州路88~90号', '广州路八十八至九十号'])('%s → UNMATCHED', (text) => expectUnmatched(text));

  it('unless the registry has that range as a number', () => {
    expectMatch('广州路92至94号', 'GZ92-94');
    expectMatch('广州路92-94号', 'GZ92-94');
    expectMatch('广州路88号', 'GZ88');
  });
});

describe('6. a compound with two gates', () => {
  it('answers the building that is behind exactly one gate', () => {
    expectMatch('蔚蓝苑8号楼', 'WL20-8');
    expectMatch('鼓楼区蔚蓝苑八栋', 'WL20-8');
  });

  it('stays AMBIGUOUS for the compound alone, or a building behind both gates or neither', () => {
    expect(resolve('蔚蓝苑')).toMatchObject({ status: 'AMBIGUOUS', candidates: ['WL10', 'WL20'] });
    expect(resolve('蔚蓝苑1号楼')).toMatchObject({ status: 'AMBIGUOUS', candidates: ['WL10-1', 'WL20-1'] });
    expect(resolve('蔚蓝苑9号楼')).toMatchObject({ status: 'AMBIGUOUS', candidates: ['WL10', 'WL20'] });
  });

  it('a gate named by its door is that gate, even when the building is behind the other', () => {
    expect(resolve('上海路10号蔚蓝苑8号楼')).toMatchObject({ status: 'PARTIAL', code: 'WL10' });
  });
});

describe('7. labels, names, phones and notes around the address are not part of it', () => {
  it.each([
    ['收货人:张三 手机:13546639046 地址:尧新大道336号', 'YX336'],
    ['姓名：李四，联系电话：135 4663 9046，住址：尧新大道336号', 'YX336'],
    ['尧新大道336号 电话:025-84561234', 'YX336'],
    ['尧新大道336号 13546639046', 'YX336'],
    ['联系人：王芳 尧新大道336号', 'YX336'],
    ['中山路55号1栋101（第一中学）', 'ZS1-101'],
    ['中山路55号1栋101(出租)', 'ZS1-101'],
    ['蔚蓝苑（上海路20号）8号楼', 'WL20-8'],
  ])('%s', (text, code) => expectMatch(text, code));

  it('keeps a bracketed note out of what was read, as leftover', () => {
    const { parsed } = resolve('中山路55号1栋101（第一中学）');
    expect(parsed).toMatchObject({ room: '101', leftover: ['第一中学'] });
  });

  it.each([
    ['a record without an address', '收货人:张三 手机:13546639046'],
    ['a phone number is not a door number', '尧新大道 13546639046'],
    ['a bracketed district the registry does not have stays part of the address', '（玄武区）尧新大道336号'],
  ])('%s: %s → UNMATCHED', (_, text) => expectUnmatched(text));
});

describe('more forms of the same classes', () => {
  it.each(['学海路292号旁', '学海路292号对过', '学海路292号与294号之间', '学海路292号北侧约50米处', '学海路292号背面', '学海路292号（附近）', '学海路292号(对面)'])('offset %s → UNMATCHED', (text) => expectUnmatched(text));

  it.each(['广州路88号至90号', '广州路88号-90号', '广州路88、90号', '广州路88,90号'])('a range or list of doors %s → UNMATCHED', (text) => expectUnmatched(text));

  it('a building written 号楼 after the door is not a range', () => {
    expectMatch('上海路20号 8号楼', 'WL20-8');
    expectMatch('上海路20号-8号楼', 'WL20-8');
  });

  it.each([
    ['收货人 张三 手机 13546639046 地址 尧新大道336号', 'YX336'],
    ['联系电话 135-4663-9046，尧新大道336号', 'YX336'],
    ['收貨人:張三 電話:13546639046 地址:堯新大道336號', 'YX336'],
  ])('labels followed by a space: %s', (text, code) => expectMatch(text, code));
});
