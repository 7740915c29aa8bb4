import HK_VARIANTS from 'opencc-js/dict/HKVariantsRev';
import TRADITIONAL_TO_SIMPLIFIED from 'opencc-js/dict/TSCharacters';
import TW_VARIANTS from 'opencc-js/dict/TWVariantsRev';

/**
 * Characters OpenCC folds that are also standard simplified characters with a
 * meaning of their own (乾坤, 於 as a surname, 著名): a place name may be written
 * with them in a simplified registry, so they are left as written.
 */
const KEPT = new Set(['乾', '於', '著']);

type Table = Map<string, string>;

/** One OpenCC table (`from to[ alternative…]|…`) as char → its first, preferred, replacement. */
function readTable(table: string): Table {
  const map: Table = new Map();
  for (const entry of table.split('|')) {
    const [from, to] = entry.split(' ');
    // Only single characters: the fold is char for char, so it cannot shift a name's length.
    if (from !== undefined && to !== undefined && [...from].length === 1 && [...to].length === 1) map.set(from, to);
  }
  return map;
}

/**
 * Traditional (Taiwan and Hong Kong forms too) → simplified, one character for
 * one, built once: a regional variant is first brought to OpenCC's traditional
 * form (裡 → 裏), then to simplified (裏 → 里). Entries that map a character to
 * itself are left out, so the table holds only characters simplified text does
 * not use.
 */
function buildFold(): Table {
  const toSimplified = readTable(TRADITIONAL_TO_SIMPLIFIED);
  const variants = [readTable(TW_VARIANTS), readTable(HK_VARIANTS)];
  const fold: Table = new Map();
  const add = (from: string) => {
    if (KEPT.has(from) || fold.has(from)) return;
    const standard = variants.map((v) => v.get(from)).find((v) => v !== undefined) ?? from;
    const simplified = toSimplified.get(standard) ?? standard;
    if (simplified !== from) fold.set(from, simplified);
  };
  for (const from of toSimplified.keys()) add(from);
  for (const variant of variants) for (const from of variant.keys()) add(from);
  return fold;
}

const FOLD = buildFold();
/**
 * The fold of the Basic Multilingual Plane as a flat table (code unit → its
 * replacement, 0 for none): one array read per character, no regular
 * expression, so clean text costs one pass. Characters outside it (rare
 * extension-B forms) go through the map.
 */
const BMP = new Uint16Array(0x10000);
let hasAstral = false;
for (const [from, to] of FOLD) {
  if (from.length === 1 && to.length === 1) BMP[from.charCodeAt(0)] = to.charCodeAt(0);
  else hasAstral = true;
}

/** `虎踞路27號三棟` → `虎踞路27号三栋`: each traditional character as its simplified form. */
export function foldToSimplified(text: string): string {
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (BMP[code] !== 0 || (hasAstral && code >= 0xd800 && code <= 0xdbff)) {
      first = i;
      break;
    }
  }
  if (first === -1) return text;
  let out = text.slice(0, first);
  let start = first; // the run of unchanged characters not yet copied
  for (let i = first; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
    const replacement = isHighSurrogate ? FOLD.get(text.slice(i, i + 2)) : BMP[code] === 0 ? undefined : String.fromCharCode(BMP[code]);
    if (replacement !== undefined) {
      out += text.slice(start, i) + replacement;
      start = i + (isHighSurrogate ? 2 : 1);
    }
    if (isHighSurrogate) i++;
  }
  return out + text.slice(start);
}

/** How many characters the fold knows; for the tests. */
export const FOLDED_CHARACTERS = FOLD.size;
