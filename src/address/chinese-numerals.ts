const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Characters that can make up a Chinese numeral. */
export const NUMERAL_CHARS = '零〇一二两三四五六七八九十百千';

/**
 * A Chinese numeral as a string of digits: positional when it has 十/百/千
 * (`十八` → `18`, `一百零二` → `102`), digit by digit otherwise (`五〇一` → `501`,
 * as room numbers are read). Undefined for anything else.
 */
export function chineseNumeralToDigits(numeral: string): string | undefined {
  if (numeral === '' || [...numeral].some((c) => DIGITS[c] === undefined && UNITS[c] === undefined)) return undefined;
  if (![...numeral].some((c) => UNITS[c] !== undefined)) return [...numeral].map((c) => DIGITS[c]).join('');
  let total = 0;
  let pending = 0;
  let lastUnit = Infinity;
  for (const char of numeral) {
    const unit = UNITS[char];
    if (unit === undefined) {
      pending = DIGITS[char];
      continue;
    }
    if (unit >= lastUnit) return undefined; // 十百: not a numeral
    total += (pending === 0 && unit === 10 && total === 0 ? 1 : pending) * unit; // 十八: an implied 一
    pending = 0;
    lastUnit = unit;
  }
  return String(total + pending);
}

const MARKERS = '号楼|号|栋|幢|座|单元|室|层|楼|房|户|#|-';
const NUMERAL_RUN = new RegExp(`(第|之|-)?([${NUMERAL_CHARS}]+)(?=${MARKERS}|\\||$)`, 'g');
const AFTER_PREFIX = new RegExp(`(第|之|-)([${NUMERAL_CHARS}]+)`, 'g');

/**
 * Rewrites the Chinese numerals of an address's number part as digits where they
 * stand before a marker (三栋, 二单元, 十八号, 五〇一室) or after 第/之/-; leaves
 * other characters (a name like 三元巷) alone. Call it on text outside known names.
 */
export function convertNumerals(text: string): string {
  const convert = (match: string, prefix: string | undefined, numeral: string) => {
    const digits = chineseNumeralToDigits(numeral);
    return digits === undefined ? match : `${prefix === '第' ? '' : (prefix ?? '')}${digits}`;
  };
  return text.replace(NUMERAL_RUN, convert).replace(AFTER_PREFIX, convert);
}
