import type { StandardAddressRow } from '../db/hub-schema.js';
import type { AccessRequest } from './access-request.js';
import type { MaskKind } from './classification.js';

/** `320102********1234`: the region and the last four stay. */
export function maskIdNumber(value: string): string {
  return value.length <= 10 ? '*'.repeat(value.length) : `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** `138****5678` */
export function maskPhone(value: string): string {
  return value.length <= 7 ? '*'.repeat(value.length) : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** `张*` for two characters, `张*明` for three, the first and last kept for longer names. */
export function maskName(value: string): string {
  const chars = [...value];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** A date to its year: `1985-**-**`. */
export function maskDate(value: string): string {
  return /^\d{4}/.test(value) ? `${value.slice(0, 4)}-**-**` : '****-**-**';
}

/** An address text cut to building level: up to its last 栋/幢/号楼/座, else its door (号), else its words before any number. */
export function maskAddressText(value: string): string {
  const building = /^.*?(?:栋|幢|号楼|座)/.exec(value);
  if (building) return building[0];
  const door = /^.*?号/.exec(value);
  if (door) return door[0];
  return value.replace(/[\d０-９#\-－].*$/, '');
}

/** A standard address cut to building level: a room shows as its building. */
async function maskAddress(address: StandardAddressRow, { access }: AccessRequest): Promise<StandardAddressRow | null> {
  return address.level === 'ROOM' && address.parent_code !== null ? access.parentOf(address) : address;
}

const maskString: Record<Exclude<MaskKind, 'ADDRESS'>, (value: string) => string> = {
  ID_NUMBER: maskIdNumber,
  PHONE: maskPhone,
  NAME: maskName,
  DATE: maskDate,
};

/** The value as a masked caller sees it: same type, less information; a value of an unexpected type is withheld (null). */
export function applyMask(kind: MaskKind, value: unknown, context: AccessRequest): unknown {
  if (value === null || value === undefined) return value;
  if (kind === 'ADDRESS') return typeof value === 'object' ? maskAddress(value as StandardAddressRow, context) : typeof value === 'string' ? maskAddressText(value) : null;
  return typeof value === 'string' ? maskString[kind](value) : null;
}
