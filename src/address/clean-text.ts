import { foldToSimplified } from './traditional-chinese.js';

/** Marks a boundary that white space or punctuation made between two digits or letters (`292 3栋`). */
export const BOUNDARY = '|';

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\u30FC~]/g;
const SEPARATORS = /[\s,.;:!?'"`、，。；：！？“”‘’·•…()[\]{}<>（）【】〔〕「」『』《》〈〉/\\_|=+*&%$@^]+/g;
const INVISIBLE = /[\u200B-\u200D\uFEFF]/g;
/** 至 between two numbers is a range, written like `12-14` (`88至90号`). */
const RANGE_WORD = /(?<=[\d零〇一二两三四五六七八九十百千])至(?=[\d零〇一二两三四五六七八九十百千])/g;

/** The forms every text and registry value share: NFKC, simplified characters, upper case, one dash, ranges as dashes. */
function fold(value: string): string {
  const folded = foldToSimplified(value.normalize('NFKC').replace(INVISIBLE, '')).toUpperCase().replace(DASHES, '-');
  return folded.includes('至') ? folded.replace(RANGE_WORD, '-') : folded;
}

/**
 * The address text with its writing habits folded away: full-width forms to
 * ASCII (NFKC), traditional characters to simplified (號 棟 單元 區 …, and the
 * names), letters upper-case, every dash a `-`, white space and punctuation
 * removed — except between two digits or letters, where it becomes BOUNDARY so
 * `长江路292 3栋` does not read as number 2923.
 */
export function cleanAddressText(raw: string): string {
  return fold(raw)
    .replace(SEPARATORS, ' ')
    .replace(/([0-9A-Z]) +(?=[0-9A-Z])/g, `$1${BOUNDARY}`)
    .replace(/ +/g, '')
    .replace(/-*\|-*/g, (run) => (run.includes('-') ? '-' : BOUNDARY))
    .replace(/-{2,}/g, '-');
}

/** Folds a registry value the way texts are folded, for comparing the two. */
export function cleanRegistryValue(value: string): string {
  return fold(value).replace(/\s+/g, '');
}
