/** GB 32100 alphabet: digits and capitals without I, O, S, V, Z. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights 3^i mod 31 of the first 17 characters. */
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));

export type CreditCodeCheck = { valid: true; creditCode: string } | { valid: false; problem: string };

/**
 * Checks an 18-character unified social credit code (GB 32100): the alphabet,
 * and the check character (31 − Σ value×3^i mod 31) mod 31.
 */
export function checkCreditCode(raw: string): CreditCodeCheck {
  const creditCode = raw.trim().toUpperCase();
  if (creditCode.length !== 18) return { valid: false, problem: `must be 18 characters, has ${creditCode.length}` };
  const bad = [...creditCode].find((c) => !ALPHABET.includes(c));
  if (bad !== undefined) return { valid: false, problem: `has "${bad}", which is not in the GB 32100 alphabet` };
  const expected = creditCodeCheckCharacter(creditCode.slice(0, 17));
  if (expected !== creditCode[17]) return { valid: false, problem: `fails the check character (expected ${expected})` };
  return { valid: true, creditCode };
}

/** The check character for 17 characters of the alphabet. */
export function creditCodeCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, c, i) => total + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  return ALPHABET[(31 - (sum % 31)) % 31];
}
