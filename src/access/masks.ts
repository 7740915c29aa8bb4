import type { StandardAddressRow } from '../db/hub-schema.js';
import type { GraphContext } from '../graph/context.js';
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
async function maskAddress(address: StandardAddressRow, { loaders }: GraphContext): Promise<StandardAddressRow | null> {
  return address.level === 'ROOM' && address.parent_code !== null ? loaders.addressByCode.load(address.parent_code) : address;
}

const maskString: Record<Exclude<MaskKind, 'SHARED_FIELD'>, (value: string) => string> = {
  ID_NUMBER: maskIdNumber,
  PHONE: maskPhone,
  NAME: maskName,
  DATE: maskDate,
  ADDRESS: maskAddressText,
};

/** The shared fields whose values are personal; other conflicts (a category, a status) show as they are. */
const SHARED_FIELD_MASKS: Record<string, Exclude<MaskKind, 'SHARED_FIELD'>> = { name: 'NAME', phone: 'PHONE' };

/**
 * The value as a masked caller sees it: same type, less information. `parent`
 * is the object the field was read from (a conflict's value names its field).
 */
export function applyMask(kind: MaskKind, value: unknown, parent: unknown, context: GraphContext): unknown {
  if (value === null || value === undefined) return value;
  if (kind === 'ADDRESS' && typeof value === 'object') return maskAddress(value as StandardAddressRow, context);
  if (typeof value !== 'string') return null;
  if (kind === 'SHARED_FIELD') {
    const field = (parent as { field?: string }).field;
    // A value whose field is unknown is masked as a name: the safer guess.
    if (field === undefined) return maskName(value);
    const fieldMask = SHARED_FIELD_MASKS[field];
    return fieldMask === undefined ? value : maskString[fieldMask](value);
  }
  return maskString[kind](value);
}
