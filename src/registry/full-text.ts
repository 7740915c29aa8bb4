import type { StandardAddressRow } from '../db/hub-schema.js';
/** The parts of a standard address that its canonical text is written from. */
export type AddressComponents = Pick<
  StandardAddressRow,
  'province' | 'city' | 'district' | 'street' | 'community' | 'road' | 'road_number' | 'compound' | 'building' | 'unit' | 'room'
>;

/**
 * The canonical full text of a standard address, e.g.
 * `江苏省南京市玄武区梅园新村街道大悲巷社区长江路292号梅园新村3栋2单元501室`.
 * Floor is left out: the room number carries it, as on a real door.
 */
export function formatFullText(address: AddressComponents): string {
  return [
    address.province,
    address.city === address.province ? '' : address.city,
    address.district,
    address.street,
    address.community,
    address.road,
    withSuffix(address.road_number, '号', /号$/),
    address.compound ?? '',
    withSuffix(address.building, '栋', /(栋|幢|座|号楼|楼)$/),
    withSuffix(address.unit, '单元', /单元$/),
    withSuffix(address.room, '室', /(室|号)$/),
  ].join('');
}

function withSuffix(value: string | null, suffix: string, hasSuffix: RegExp): string {
  if (value === null || value === '') return '';
  return hasSuffix.test(value) ? value : value + suffix;
}
