import { convertNumerals } from './chinese-numerals.js';
import { cleanRegistryValue } from './clean-text.js';

/**
 * The comparable form of each number-like part of an address, the same for a
 * registry value and a parsed text: folded, Chinese numerals as digits, the
 * part's own marker and leading zeros dropped (`３栋` → `3`, `0501室` → `501`).
 */
export function roadNumberKey(value: string): string {
  if (ALREADY_PLAIN.test(value)) return dropZeros(value);
  return dropZeros(convertNumerals(cleanRegistryValue(value)).replace(/号?之(\d+)号?$/, '-$1').replace(/号$/, ''));
}

export function buildingKey(value: string): string {
  if (ALREADY_PLAIN.test(value)) return dropZeros(value);
  return dropZeros(convertNumerals(cleanRegistryValue(value)).replace(/^第/, '').replace(/(号楼|栋|幢|座|#|号|楼)$/, ''));
}

export function unitKey(value: string): string {
  if (ALREADY_PLAIN.test(value)) return dropZeros(value);
  return dropZeros(convertNumerals(cleanRegistryValue(value)).replace(/(单元|门)$/, ''));
}

export function roomKey(value: string): string {
  if (ALREADY_PLAIN.test(value)) return dropZeros(value);
  return dropZeros(convertNumerals(cleanRegistryValue(value)).replace(/(室|号|房|户)$/, ''));
}

export function floorKey(value: string): string {
  if (ALREADY_PLAIN.test(value)) return dropZeros(value);
  return dropZeros(convertNumerals(cleanRegistryValue(value)).replace(/(层|楼|F)$/, ''));
}

/**
 * Digits, upper-case letters and dashes only (what the parser hands over, and most
 * registry cells): folding, numerals and markers would change nothing, so they are skipped.
 */
const ALREADY_PLAIN = /^[0-9A-Z-]*$/;

/** `0501` → `501`, `03-1` → `3-1`; a lone `0` stays. */
function dropZeros(value: string): string {
  return value.replace(/(^|-)0+(?=\d)/g, '$1');
}
