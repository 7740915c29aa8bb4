/** GB 11643 weights of the first 17 digits; the check character is `10X98765432`[sum mod 11]. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A resident ID number read and checked, or what is wrong with it. */
export type IdNumberCheck =
  | { valid: true; idNumber: string; birthDate: string; gender: 'MALE' | 'FEMALE' }
  | { valid: false; problem: string };

/**
 * Checks an 18-character resident ID number (GB 11643): 17 digits and a check
 * character, a real birth date, and the check digit. A lower-case `x` is read
 * as `X`; a 15-digit number (the pre-1999 format) is reported as such, not
 * converted, since its check digit cannot be trusted.
 */
export function checkIdNumber(raw: string): IdNumberCheck {
  const idNumber = raw.trim().toUpperCase();
  if (/^\d{15}$/.test(idNumber)) return { valid: false, problem: 'is a 15-digit (first-generation) ID number; 18 characters are required' };
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { valid: false, problem: 'must be 17 digits and a check digit or X' };
  const year = Number(idNumber.slice(6, 10));
  const month = Number(idNumber.slice(10, 12));
  const day = Number(idNumber.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1850 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { valid: false, problem: `has no real birth date (${idNumber.slice(6, 14)})` };
  }
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(idNumber[i]), 0);
  if (CHECK[sum % 11] !== idNumber[17]) return { valid: false, problem: `fails the check digit (expected ${CHECK[sum % 11]})` };
  return {
    valid: true,
    idNumber,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    gender: Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}

/** The check character for 17 digits: how generators make valid numbers. */
export function idNumberCheckCharacter(first17: string): string {
  return CHECK[WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0) % 11];
}
