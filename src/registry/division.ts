import type { RegionLevel, RegionRow } from '../db/hub-schema.js';
import type { DivisionNames } from './registry-records.js';

/**
 * The five regions a community's 12-digit statistical code implies: province
 * `32xxxx`→`320000`, city `3201xx`→`320100`, district `320102`, street
 * `320102002` and the community itself.
 */
export function regionsOf(names: DivisionNames): RegionRow[] {
  const code = names.division_code;
  const province = `${code.slice(0, 2)}0000`;
  const city = `${code.slice(0, 4)}00`;
  const district = code.slice(0, 6);
  const street = code.slice(0, 9);
  return [
    { code: province, name: names.province, level: 'PROVINCE', parent_code: null },
    { code: city, name: names.city, level: 'CITY', parent_code: province },
    { code: district, name: names.district, level: 'DISTRICT', parent_code: city },
    { code: street, name: names.street, level: 'STREET', parent_code: district },
    { code, name: names.community, level: 'COMMUNITY', parent_code: street },
  ];
}

/** The leading digits that every community code inside a region starts with. */
export function divisionPrefix(code: string, level: RegionLevel): string {
  switch (level) {
    case 'PROVINCE':
      return code.slice(0, 2);
    case 'CITY':
      return code.slice(0, 4);
    case 'DISTRICT':
      return code.slice(0, 6);
    case 'STREET':
      return code.slice(0, 9);
    case 'COMMUNITY':
      return code;
  }
}
