import { describe, expect, it } from 'vitest';
import { formatFullText } from '../../src/address/address-text.js';

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
