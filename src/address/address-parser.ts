import { frameAddress } from './address-frame.js';
import { buildingKey, floorKey, roadNumberKey, roomKey, unitKey } from './address-keys.js';
import { convertNumerals, NUMERAL_CHARS } from './chinese-numerals.js';
import { BOUNDARY, cleanAddressText } from './clean-text.js';
import type { Gazetteer, NameMeaning } from './gazetteer.js';

/** A name the registry knows, found in the text. */
export interface NameMention {
  readonly name: string;
  readonly meanings: readonly NameMeaning[];
}

/** What a text says, in the registry's terms. */
export interface ParsedAddress {
  /** Every known name in the text, in order: regions, roads, compounds. */
  readonly mentions: readonly NameMention[];
  /** The road whose door number the text gives. */
  readonly road?: string;
  /** That door number's key (`88-1`). */
  readonly roadNumber?: string;
  /** The compound names the text gives. */
  readonly compounds: readonly string[];
  readonly building?: string;
  readonly unit?: string;
  readonly floor?: string;
  readonly room?: string;
  /** Set when the text names a place the registry does not know (a district, a road, a compound); says which. */
  readonly unknownPlace?: string;
  /** Set when the text places itself off the address (`东侧50米`, `附近`, `对面`); says how. */
  readonly offset?: string;
  /** Text neither known as a name nor read as a number part: lowers confidence. */
  readonly leftover: readonly string[];
  /** True when digits after the door were left unread: the text names something finer than what was read. */
  readonly unreadNumbers: boolean;
}

/** Words that introduce an address in records (家庭住址：…) and mean nothing for it. */
const LEAD_WORDS = /^(中华人民共和国|中国)?([\u4e00-\u9fff]{0,4}?(地址|住址|住所|场所|所在地)|现住|家住|居住于|居住|位于|住)?/;
/** Words that follow a region's name in records (社区居委会) and add nothing to it. */
const REGION_TAIL_WORDS = /^(居委会|居民委员会|村委会|村民委员会|办事处)$/;

/** An unknown name ending like a region names a region the registry does not have (鼓楼区 where only 玄武区 is known). */
const REGION_ENDING = /(省|市|区|县|旗|街道|镇|乡|社区|村|居委会)$/;
const NOT_A_REGION = /(小区|园区|景区|厂区|校区|片区|营区|新村|超市|菜市|夜市|集市)$/;
/** An unknown road with a door number: the text's door is not in the registry. */
const UNKNOWN_ROAD_WITH_NUMBER = /(路|街|巷|道|弄|里|胡同|条)(附|甲|乙|丙|丁)?\d+[A-Z]?(-\d+)?号/;
/** A character that, right before a known road, makes a longer unknown road (北 + 长江路). */
const ROAD_PREFIX = /[东西南北中新老上下前后内外大小]$/;
/**
 * Words that place the text beside, across from or some distance from the
 * address rather than at it. 门前/门口 (the frontage a door answers for) and a
 * gate (东门, 东侧门) are not among them.
 */
const OFFSET = new RegExp(
  `(东北|东南|西北|西南|东|西|南|北)(侧|边|面|角|方|头)(?!门)|附近|对面|对过|旁|隔壁|周边|周围|一带|背后|背面|后面|后方|后侧|左侧|右侧|左边|右边|`
  + `(往|向|以)(东|西|南|北)|[\\d${NUMERAL_CHARS}]+(米|公里|千米)|路口|交叉口|交汇处|拐角|不远|之间|沿线`,
);
/** How a compound's name ends: a word with one of these endings is a compound's name, known or not. */
const COMPOUND_NAME = /(小区|花园|家园|新村|公寓|苑|雅居|山庄|别墅)$/;
/**
 * Words that may stand between a door or compound and its building numbers without
 * naming anything else: 小区, (大)院, a section (东区, 二期), a gate (东门). Any other
 * word there names a compound or building the registry does not have at that
 * door (静安家园, 鸿运东, a typo), and the numbers that follow belong to it.
 */
const PLAIN_DETAIL_WORDS = new RegExp(`^(小区|大院|院|内|门前|门口|[东西南北中]区|[\\d${NUMERAL_CHARS}]+期|[东西南北正大侧后前]门)*$`);

type Segment = { kind: 'name'; mention: NameMention } | { kind: 'text'; text: string };

/** Reads an address text against the registry's names. Never throws on odd input: what it cannot read is leftover. */
export function parseAddress(raw: string, gazetteer: Gazetteer): ParsedAddress {
  const framed = frameAddress(raw, (bracketed) => namesAPlace(bracketed, gazetteer));
  const segments = segment(cleanAddressText(framed.text).replace(LEAD_WORDS, ''), gazetteer);
  const mentions = segments.flatMap((s) => (s.kind === 'name' ? [s.mention] : []));
  const compounds = mentions.flatMap((m) => m.meanings.flatMap((meaning) => (meaning.kind === 'COMPOUND' ? [meaning.compound] : [])));
  const leftover: string[] = [];
  let unknownPlace = longerCompoundName(segments);
  // An offset in brackets (`292号（附近）`) still places the text off the address.
  const offset = offsetWords(segments) ?? framed.notes.map((note) => OFFSET.exec(note)?.[0]).find((words) => words !== undefined);

  // The anchor: the first known road followed by a door number.
  let road: string | undefined;
  let roadNumber: string | undefined;
  let anchor = -1; // index of the segment after which the number parts begin
  let numberSegment = -1; // the segment that holds the door number
  let detailHead = '';
  for (let i = 0; i < segments.length && road === undefined; i++) {
    const s = segments[i];
    const next = segments[i + 1];
    if (s.kind !== 'name' || next?.kind !== 'text') continue;
    const roadMeaning = s.mention.meanings.find((m) => m.kind === 'ROAD');
    if (roadMeaning?.kind !== 'ROAD') continue;
    const number = readDoorNumber(next.text);
    if (number === undefined) continue;
    road = roadMeaning.road;
    roadNumber = number.key;
    anchor = numberSegment = i + 1;
    detailHead = number.rest;
    const before = segments[i - 1];
    if (before?.kind === 'text' && ROAD_PREFIX.test(before.text)) unknownPlace = `${before.text}${s.mention.name}`;
  }
  // Without a door number, a compound anchors the number parts (梅园新村3栋501室).
  if (anchor === -1) {
    const lastCompound = segments.findLastIndex((s) => s.kind === 'name' && s.mention.meanings.some((m) => m.kind === 'COMPOUND'));
    if (lastCompound !== -1) anchor = lastCompound;
  }
  // A compound after the door number moves the anchor past it (长江路292号梅园新村3栋).
  for (let i = anchor + 1; anchor !== -1 && i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'name' && s.mention.meanings.some((m) => m.kind === 'COMPOUND')) {
      if (detailHead !== '') leftover.push(detailHead);
      detailHead = '';
      anchor = i;
    }
  }

  let detail = detailHead;
  segments.forEach((s, i) => {
    if (s.kind !== 'text' || i === numberSegment) return;
    if (anchor !== -1 && i > anchor) {
      detail += s.text;
      return;
    }
    const text = s.text.replaceAll(BOUNDARY, '');
    if (text === '' || REGION_TAIL_WORDS.test(text)) return;
    if (REGION_ENDING.test(text) && !NOT_A_REGION.test(text)) unknownPlace ??= text;
    // Unknown words right before the road (鼓楼长江路): a place the registry does not know, or a longer road.
    if (road !== undefined && i === numberSegment - 2 && /[\u4e00-\u9fff]{2,}$/.test(text)) unknownPlace ??= `${text}${road}`;
    leftover.push(text);
  });
  const unknownRoad = [...leftover, detail].find((text) => UNKNOWN_ROAD_WITH_NUMBER.test(convertNumerals(text)));
  if (unknownRoad !== undefined) unknownPlace ??= unknownRoad;

  const unread: string[] = [];
  const { words, ...parts } = anchor === -1 ? { words: undefined } : readNumberParts(convertNumerals(detail), unread);
  leftover.push(...unread, ...framed.notes);
  // A numeral or marker left unread (三棟 before 棟 was known, 叁栋) names something finer than what was read.
  const unreadNumbers = unread.some((text) => UNREAD_NUMBER.test(text));
  // Words with nothing after them (长江路292号幼儿园) name what is at the door, not where its numbers belong.
  const numbersFollow = parts.building !== undefined || parts.unit !== undefined || parts.room !== undefined || parts.floor !== undefined;
  if (words !== undefined && numbersFollow && !PLAIN_DETAIL_WORDS.test(words.replaceAll('-', ''))) unknownPlace ??= words.replaceAll('-', '');
  unknownPlace ??= unknownCompoundName(segments);
  return { mentions, road, roadNumber, compounds, ...parts, unknownPlace, offset, leftover, unreadNumbers };
}

/** A digit, a numeral or a number marker left unread: the text named a part finer than what was read. */
const UNREAD_NUMBER = new RegExp(`[\\d${NUMERAL_CHARS}栋幢座室层楼号户#]|单元`);

/** Chinese characters up to the first numeral: the words before a number part. */
const LEADING_WORDS = new RegExp(`^[^\\x00-\\x7f第${NUMERAL_CHARS}]+`);

/**
 * A known compound name glued to more name (静安 + 家园 where the registry has
 * 静安小区, 鸿运 + 东): the text names a longer compound the registry does not
 * have, not this one. Returns that longer name.
 */
function longerCompoundName(segments: readonly Segment[]): string | undefined {
  for (let i = 0; i + 1 < segments.length; i++) {
    const s = segments[i];
    const next = segments[i + 1];
    if (s.kind !== 'name' || next.kind !== 'text' || !s.mention.meanings.some((m) => m.kind === 'COMPOUND')) continue;
    const words = LEADING_WORDS.exec(next.text)?.[0];
    if (words !== undefined && !PLAIN_DETAIL_WORDS.test(words)) return `${s.mention.name}${words}`;
  }
  return undefined;
}

/** The words that place the text off the address, if any. */
function offsetWords(segments: readonly Segment[]): string | undefined {
  for (const s of segments) {
    if (s.kind !== 'text' || ONLY_NUMBER_PARTS.test(s.text)) continue;
    const match = OFFSET.exec(s.text);
    if (match !== null) return match[0];
  }
  return undefined;
}

/** A text segment of digits, letters and number markers only (`292号`, `3栋2单元501室`): the common case, read no further. */
const ONLY_NUMBER_PARTS = new RegExp(`^[\\dA-Z|#-]*(?:(?:号楼|号|栋|幢|座|单元|室|层|楼|房|户)[\\dA-Z|#-]*)*$`);

/** An unknown word between the known names that ends like a compound's name (幸福家园), besides a plain 小区. */
function unknownCompoundName(segments: readonly Segment[]): string | undefined {
  for (const s of segments) {
    if (s.kind !== 'text' || !COMPOUND_ENDING_ANYWHERE.test(s.text)) continue;
    const words = s.text.match(/[\u4e00-\u9fff]+/g)?.find((run) => COMPOUND_NAME.test(run) && run !== '小区');
    if (words !== undefined) return words;
  }
  return undefined;
}

const COMPOUND_ENDING_ANYWHERE = new RegExp(COMPOUND_NAME.source.slice(0, -1));

/** Whether a bracketed part of a text names a place: a known name, or a word ending like a region, road or compound. */
function namesAPlace(bracketed: string, gazetteer: Gazetteer): boolean {
  const text = cleanAddressText(bracketed);
  return segment(text, gazetteer).some((s) => s.kind === 'name')
    || REGION_ENDING.test(text) || COMPOUND_NAME.test(text) || /(路|街|巷|道|弄|胡同)$/.test(text);
}

/** Splits the text into known names (longest first at each position) and the text between them. */
function segment(text: string, gazetteer: Gazetteer): Segment[] {
  const segments: Segment[] = [];
  let textStart = 0;
  let i = 0;
  while (i < text.length) {
    let matched = 0;
    for (let length = Math.min(gazetteer.maxLength, text.length - i); length >= 2; length--) {
      const name = text.slice(i, i + length);
      const meanings = gazetteer.lookup(name);
      if (meanings !== undefined) {
        if (i > textStart) segments.push({ kind: 'text', text: text.slice(textStart, i) });
        segments.push({ kind: 'name', mention: { name, meanings } });
        matched = length;
        break;
      }
    }
    i += matched || 1;
    if (matched) textStart = i;
  }
  if (textStart < text.length) segments.push({ kind: 'text', text: text.slice(textStart) });
  return segments;
}

const NUMERAL = `[\\d${NUMERAL_CHARS}]+`;
/**
 * `292号`, `88-1号`, `88号之一`, `88之1号`. The 之 suffix is one numeral, or digits
 * closed by 号, so `18号之一4栋` reads as door 18-1, building 4.
 */
const DOOR_NUMBER = new RegExp(`^(附|甲|乙|丙|丁)?(${NUMERAL})([A-Z](?=号))?(?:-(${NUMERAL}))?(号)?(?:之([一二三四五六七八九]|\\d+(?=号))号?)?`);

/** After a door number, another one joined by 至/到/-/～ or a list separator, closed by 号 (not 号楼: `292号 3号楼` is a building). */
const RANGE_OR_LIST = new RegExp(`^(至|到|-|\\|)(${NUMERAL})号(?!楼)`);

/**
 * The door number at the start of the text after a road, or undefined. A bare
 * number without 号 counts only where it ends the text or meets a boundary or a
 * name: digits running into a building marker (`3栋`) are not a door number.
 */
function readDoorNumber(text: string): { key: string; rest: string } | undefined {
  const match = DOOR_NUMBER.exec(text);
  if (match === null) return undefined;
  const [whole, prefix, rawNumber, letter, rawDashed, hao, zhi] = match;
  const digits = convertNumerals(rawNumber + '号').slice(0, -1);
  const dashed = rawDashed === undefined ? undefined : convertNumerals(rawDashed + '号').slice(0, -1);
  if (!/^\d+$/.test(digits) || (dashed !== undefined && !/^\d+$/.test(dashed))) return undefined;
  // 附5号, 甲12号, 109A号 are numbers of their own: the key keeps the prefix and letter, so only that door matches.
  const number = `${prefix ?? ''}${digits}${letter ?? ''}`;
  let rest = text.slice(whole.length);
  if (hao === undefined && zhi === undefined) {
    // 292-3-501: the door is 292, and 3-501 its building and room.
    if (dashed !== undefined && /^-\d/.test(rest)) return { key: roadNumberKey(number), rest: text.slice((prefix ?? '').length + rawNumber.length + 1) };
    if (/^(栋|幢|座|#|号楼|单元|室|层|楼|[A-Z\d])/.test(rest)) return undefined;
  }
  // 88号至90号, 88号-90号, 88、90号: a range or list of doors is no one door; its key matches no door.
  const other = RANGE_OR_LIST.exec(rest);
  if (other !== null) return { key: `${roadNumberKey(number)}${other[1] === '|' ? ',' : '-'}${convertNumerals(other[2] + '号').slice(0, -1)}`, rest: rest.slice(other[0].length) };
  rest = rest.replace(/^[|-]+/, '');
  const suffix = dashed ?? (zhi === undefined ? undefined : convertNumerals(`之${zhi}`).slice(1));
  return { key: roadNumberKey(suffix === undefined ? number : `${number}-${suffix}`), rest };
}

interface NumberParts {
  /** Words before the numbers (an alias, a gate, a section), if any. */
  words?: string;
  building?: string;
  unit?: string;
  floor?: string;
  room?: string;
}

/** Words between the door (or compound) and the building that add nothing: 号院, 小区. */
const DETAIL_LEAD = /^(院|大院|小区)/;
const BUILDING = /^第?([A-Z]?\d+[A-Z]?|[A-Z])(号楼|栋楼|栋|幢|座|#楼|#|号)/;
/** A number part ends where no digit, letter or dash follows. */
const END = '(?![\\dA-Z-])';
const BUILDING_UNIT_ROOM = new RegExp(`^(\\d+[A-Z]?)-(\\d+)-(\\d+[A-Z]?)(室|号|房|户)?${END}`);
const BUILDING_ROOM = new RegExp(`^(\\d+[A-Z]?)-(\\d+[A-Z]?)(室|号|房|户)?${END}`);
const UNIT = /^([A-Z]?\d+|[A-Z])(单元|门)/;
const FLOOR = /^(\d+)(层|楼|F)/;
const UNIT_ROOM = new RegExp(`^(\\d+)-(\\d+[A-Z]?)(室|号|房|户)?${END}`);
const ROOM = new RegExp(`^(\\d+[A-Z]?)(室|号|房|户)?${END}`);

/**
 * Building, unit, floor and room from the text after the door (or compound):
 * `3栋2单元501室`, `3幢二单元五〇一`, `3号楼501`, `3#2-501`, `3-2-501`, `3-501`.
 * What does not read is added to `leftover`.
 */
function readNumberParts(text: string, leftover: string[]): NumberParts {
  let rest = text.replace(/[|]/g, '-').replace(/^-+/, '').replace(DETAIL_LEAD, '');
  // Words before the numbers (an alias of the compound, a building's name) are kept as leftover:
  // the door, or the compound, already says where the numbers belong.
  const words = /^[^\dA-Z第]+/.exec(rest);
  const parts: NumberParts = {};
  if (words !== null) {
    leftover.push(words[0]);
    parts.words = words[0];
    rest = rest.slice(words[0].length).replace(/^-+/, '');
  }
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const match = pattern.exec(rest);
    if (match !== null) rest = rest.slice(match[0].length).replace(/^-+/, '');
    return match;
  };
  const building = take(BUILDING);
  if (building !== null) {
    parts.building = buildingKey(building[1]);
  } else {
    const bur = take(BUILDING_UNIT_ROOM);
    const br = bur === null ? take(BUILDING_ROOM) : null;
    if (bur !== null) Object.assign(parts, { building: buildingKey(bur[1]), unit: unitKey(bur[2]), room: roomKey(bur[3]) });
    if (br !== null) Object.assign(parts, { building: buildingKey(br[1]), room: roomKey(br[2]) });
    if (parts.room !== undefined) {
      if (rest !== '') leftover.push(rest);
      return parts;
    }
  }
  const unit = take(UNIT);
  if (unit !== null) parts.unit = unitKey(unit[1]);
  const floor = take(FLOOR);
  if (floor !== null) parts.floor = floorKey(floor[1]);
  if (parts.building !== undefined && parts.unit === undefined) {
    const ur = take(UNIT_ROOM);
    if (ur !== null) Object.assign(parts, { unit: unitKey(ur[1]), room: roomKey(ur[2]) });
  }
  const room = parts.room === undefined ? take(ROOM) : null;
  if (room !== null) parts.room = roomKey(room[1]);
  if (rest !== '') leftover.push(rest);
  return parts;
}
