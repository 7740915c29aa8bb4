import { describe, expect, it } from 'vitest';
import { frameAddress } from '../../src/address/address-frame.js';
import { formatFullText } from '../../src/registry/full-text.js';
import { cleanAddressText, cleanRegistryValue } from '../../src/address/clean-text.js';
import { foldToSimplified } from '../../src/address/traditional-chinese.js';

const door = {
  province: '江苏省', city: '南京市', district: '玄武区', street: '梅园新村街道', community: '大行宫社区',
  road: '长江路', road_number: '292', compound: null, building: null, unit: null, room: null,
};

describe('canonical full text', () => {
  it('writes a door, a building and a room with their suffixes', () => {
    expect(formatFullText(door)).toBe('江苏省南京市玄武区梅园新村街道大行宫社区长江路292号');
    expect(formatFullText({ ...door, compound: '梅园新村', building: '3' })).toBe('江苏省南京市玄武区梅园新村街道大行宫社区长江路292号梅园新村3栋');
    expect(formatFullText({ ...door, building: '3', unit: '2', room: '501' })).toBe('江苏省南京市玄武区梅园新村街道大行宫社区长江路292号3栋2单元501室');
  });

  it('keeps a suffix the registry already wrote', () => {
    expect(formatFullText({ ...door, road_number: '88号', building: '3幢', room: '501室' })).toBe('江苏省南京市玄武区梅园新村街道大行宫社区长江路88号3幢501室');
  });

  it('does not repeat a municipality that is its own province', () => {
    expect(formatFullText({ ...door, province: '北京市', city: '北京市', district: '东城区' })).toMatch(/^北京市东城区/);
  });
});

describe('traditional characters folded to simplified (issue 23, class 1)', () => {
  it('folds the markers of the address grammar', () => {
    expect(foldToSimplified('區號樓棟單元層門東園')).toBe('区号楼栋单元层门东园');
  });

  it('folds names, Taiwan and Hong Kong forms included', () => {
    expect(foldToSimplified('江蘇省南京市鼓樓區寧海路')).toBe('江苏省南京市鼓楼区宁海路');
    expect(foldToSimplified('臺灣 裡 溫 戶')).toBe('台湾 里 温 户');
  });

  it('leaves simplified text, ASCII and characters simplified writing keeps as they are', () => {
    const simplified = '江苏省南京市玄武区长江路292号颐和花园3栋2单元501室 A-3#';
    expect(foldToSimplified(simplified)).toBe(simplified);
    expect(foldToSimplified('乾元路 著名 於家巷')).toBe('乾元路 著名 於家巷');
  });

  it('cleans a traditional text and a registry value to the same form', () => {
    expect(cleanAddressText('湖南路134號玉蘭小區2# 3單元404室')).toBe('湖南路134号玉兰小区2#3单元404室');
    expect(cleanRegistryValue('甲12號')).toBe('甲12号');
  });
});

describe('ranges written with 至 read as ranges (issue 23, class 5)', () => {
  it('between two numbers only', () => {
    expect(cleanAddressText('广州路88至90号')).toBe('广州路88-90号');
    expect(cleanAddressText('广州路八十八至九十号')).toBe('广州路八十八-九十号');
    expect(cleanAddressText('至善路5号')).toBe('至善路5号');
  });
});

describe('the address inside a record (issue 23, class 7)', () => {
  const noPlaces = () => false;
  it('takes the address field when there is one', () => {
    expect(frameAddress('收货人:张三 手机:13546639046 地址:尧新大道336号', noPlaces).text.trim()).toBe('尧新大道336号');
    expect(frameAddress('姓名：李四，联系电话：13546639046，住址：尧新大道336号', noPlaces).text.trim()).toBe('尧新大道336号');
  });

  it('drops other fields and phone numbers when there is none', () => {
    expect(frameAddress('联系人：王芳 尧新大道336号', noPlaces).text.trim()).toBe('尧新大道336号');
    expect(frameAddress('尧新大道336号 电话:025-84561234', noPlaces).text.trim()).toBe('尧新大道336号');
    expect(frameAddress('尧新大道336号 +86 135 4663 9046', noPlaces).text.trim()).toBe('尧新大道336号');
  });

  it('keeps digit runs that are not phone numbers', () => {
    expect(frameAddress('长江路292-3-2-501', noPlaces).text).toBe('长江路292-3-2-501');
    expect(frameAddress('长江路292号 3栋 1501室 0251', noPlaces).text).toBe('长江路292号 3栋 1501室 0251');
  });

  it('takes out a bracketed note, and keeps a bracket that holds an address part or a place', () => {
    expect(frameAddress('长江路292号3栋501（第一中学）', noPlaces)).toEqual({ text: '长江路292号3栋501 ', notes: ['第一中学'] });
    expect(frameAddress('颐和花园（长江路292号）3栋', noPlaces).notes).toEqual([]);
    expect(frameAddress('长江路292号（三栋）', noPlaces).notes).toEqual([]);
    expect(frameAddress('（秦淮区）长江路292号', (bracketed) => bracketed === '秦淮区').notes).toEqual([]);
  });
});
