import SIMPLIFIED_TO_TRADITIONAL from 'opencc-js/dict/STCharacters';
import type { DemoRegistry } from '../../src/demo/demo-registry.js';
import { SeededRandom } from '../../src/demo/random.js';

/**
 * A labelled evaluation set for address resolution, generated deterministically
 * from a registry: each case is a text written in one of the styles departments
 * use, and the answer the registry itself gives for it — worked out from the
 * registry's rows, never from the resolver.
 */
export interface LabelledText {
  readonly text: string;
  readonly expected: 'MATCHED' | 'PARTIAL' | 'AMBIGUOUS' | 'UNMATCHED';
  /** The address a MATCHED or PARTIAL answer must return; for AMBIGUOUS, one the candidates must include. */
  readonly code: string | null;
  /** The styles the text was written in, to find what fails. */
  readonly styles: readonly string[];
}

type Row = Record<string, string>;

/** Roads that are not in the demo registry, and districts of Nanjing that are not either. */
const UNKNOWN_ROADS = ['幸福路', '人民路', '解放路', '建设路', '胜利街', '文化巷', '和平大道'];
const UNKNOWN_DISTRICTS = ['鼓楼区', '建邺区', '栖霞区', '雨花台区', '江宁区'];

export function generateLabelledTexts(registry: DemoRegistry, count: number, seed = 4242): LabelledText[] {
  const random = new SeededRandom(seed);
  const truth = new RegistryTruth(registry.addresses);
  const cases: LabelledText[] = [];
  const makers: [number, () => LabelledText | undefined][] = [
    [40, () => positive(random, truth, pickRoom(random, truth))],
    [14, () => positive(random, truth, random.pick(truth.buildings))],
    [10, () => positive(random, truth, random.pick(truth.doors))],
    [8, () => missingBuilding(random, truth)],
    [6, () => missingRoom(random, truth)],
    [6, () => unknownRoad(random, truth)],
    [6, () => unknownNumber(random, truth)],
    [5, () => unknownDistrict(random, truth)],
    [4, () => wrongDistrict(random, truth)],
    [4, () => sharedDoorWithoutDistrict(random, truth)],
    [4, () => unitLeftOut(random, truth)],
    // The styles of issue 23: traditional characters, offsets, near-miss compound names,
    // 附/甲/letter numbers, ranges, a compound's gates, labelled records.
    [6, () => traditional(random, truth)],
    [4, () => offsetFromAddress(random, truth)],
    [2, () => frontage(random, truth)],
    [5, () => nearMissCompound(random, truth)],
    [4, () => letteredDoor(random, truth)],
    [3, () => letteredNoFallback(random, truth)],
    [2, () => range(random, truth)],
    [3, () => compoundGates(random, truth)],
    [5, () => labelledRecord(random, truth)],
  ];
  const total = makers.reduce((sum, [weight]) => sum + weight, 0);
  while (cases.length < count) {
    let roll = random.next() * total;
    const maker = makers.find(([weight]) => (roll -= weight) < 0)![1];
    const made = maker();
    if (made !== undefined) cases.push(made);
  }
  return cases;
}

/** What the registry holds, indexed the way the labels need it. */
class RegistryTruth {
  readonly doors: Row[];
  readonly buildings: Row[];
  readonly rooms: Row[];
  readonly doorsByNumber = new Map<string, Row[]>();
  readonly doorsByCompound = new Map<string, Set<string>>();
  readonly childrenOf = new Map<string, Row[]>();
  readonly roadsByDistrict = new Map<string, Set<string>>();
  readonly compoundsAt = new Map<string, Set<string>>();
  private readonly doorByKey = new Map<string, Row>();
  private readonly buildingByKey = new Map<string, Row>();

  constructor(addresses: Row[]) {
    this.doors = addresses.filter((a) => a.building === '');
    this.buildings = addresses.filter((a) => a.building !== '' && a.room === '');
    this.rooms = addresses.filter((a) => a.room !== '');
    for (const door of this.doors) {
      this.doorByKey.set(doorKey(door), door);
      push(this.doorsByNumber, `${door.road}|${door.road_number}`, door);
      const roads = this.roadsByDistrict.get(door.district) ?? new Set();
      this.roadsByDistrict.set(door.district, roads.add(door.road));
    }
    for (const building of this.buildings) {
      this.buildingByKey.set(`${doorKey(building)}|${building.building}`, building);
      push(this.childrenOf, this.doorOf(building).address_code, building);
    }
    for (const room of this.rooms) push(this.childrenOf, this.buildingOf(room).address_code, room);
    for (const a of addresses) {
      if (a.compound === '') continue;
      const door = this.doorOf(a).address_code;
      const doors = this.doorsByCompound.get(a.compound) ?? new Set();
      this.doorsByCompound.set(a.compound, doors.add(door));
      const compounds = this.compoundsAt.get(door) ?? new Set();
      this.compoundsAt.set(door, compounds.add(a.compound));
    }
  }

  doorOf(address: Row): Row {
    return this.doorByKey.get(doorKey(address))!;
  }

  buildingOf(room: Row): Row {
    return this.buildingByKey.get(`${doorKey(room)}|${room.building}`)!;
  }

  /**
   * Whether a name in a text agrees with a door: one of its regions (in full or
   * without its suffix), its road, or one of its compounds. A name can agree in
   * more than one way (长江路社区 → 长江路 is also a road), as a reader would take it.
   */
  nameFits(door: Row, name: string): boolean {
    const regions = [
      [door.province, /省$/], [door.city, /市$/], [door.district, /区$/], [door.street, /街道$/], [door.community, /社区$/],
    ] as const;
    return regions.some(([full, suffix]) => full === name || full.replace(suffix, '') === name)
      || door.road === name
      || (this.compoundsAt.get(door.address_code)?.has(name) ?? false);
  }

  /** Doors a prefix and locator leave possible: same road and number, or same compound, inside the named region. */
  doorsFitting(target: Row, locator: Locator, prefix: Prefix): Row[] {
    const atCompound = (door: Row) => this.doorsByCompound.get(target.compound)?.has(door.address_code) ?? false;
    const candidates = locator === 'compound-only'
      ? this.doors.filter(atCompound)
      : (this.doorsByNumber.get(`${target.road}|${target.road_number}`) ?? []).filter((door) => locator === 'road' || atCompound(door));
    return candidates.filter((door) => prefix.names.every((name) => this.nameFits(door, name)));
  }

  /**
   * A compound found by name alone with several gates in one district: the gates that have
   * the target's building, when exactly one has it (issue 23: that is the one address that
   * fits); otherwise all of them.
   */
  gatesFitting(target: Row, locator: Locator, doors: Row[]): Row[] {
    if (locator !== 'compound-only' || target.building === '' || doors.length < 2) return doors;
    if (new Set(doors.map((door) => door.district)).size > 1) return doors;
    const withBuilding = doors.filter((door) => this.buildingsOf(door).has(target.building));
    return withBuilding.length === 1 ? withBuilding : doors;
  }

  buildingsOf(door: Row): Set<string> {
    return new Set((this.childrenOf.get(door.address_code) ?? []).map((b) => b.building));
  }

  /** Every name a compound is known by (its own, and without a trailing 小区), and every region and road name. */
  knownNames(): Set<string> {
    const names = new Set<string>();
    for (const name of this.doorsByCompound.keys()) names.add(name).add(name.replace(/小区$/, ''));
    for (const door of this.doors) {
      names.add(door.road);
      for (const [full, suffix] of [[door.district, /区$/], [door.street, /街道$/], [door.community, /社区$/]] as const) names.add(full).add(full.replace(suffix, ''));
    }
    return names;
  }
}

type Locator = 'road' | 'road-then-compound' | 'compound-then-road' | 'compound-only';

interface Prefix {
  /** The names the prefix is written from, in order; the text is their concatenation. */
  names: readonly string[];
  style: string;
}

const prefixText = (prefix: Prefix) => prefix.names.join('');

function positive(random: SeededRandom, truth: RegistryTruth, target: Row): LabelledText | undefined {
  const level = target.room !== '' ? 'ROOM' : target.building !== '' ? 'BUILDING' : 'DOOR';
  const locators: Locator[] = level === 'DOOR' || target.compound === ''
    ? ['road']
    : ['road', 'road', 'road-then-compound', 'compound-then-road', 'compound-only'];
  const locator = random.pick(locators);
  const prefix = choosePrefix(random, target);
  const doors = truth.gatesFitting(target, locator, truth.doorsFitting(target, locator, prefix));
  const text = write(random, target, locator, prefix, {});
  const styles = [prefix.style, locator, ...text.styles];
  if (doors.length > 1) return { text: text.text, expected: 'AMBIGUOUS', code: null, styles };
  return { text: text.text, expected: 'MATCHED', code: target.address_code, styles };
}

function pickRoom(random: SeededRandom, truth: RegistryTruth): Row {
  return random.pick(truth.rooms);
}

function missingBuilding(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const door = random.pick(truth.doors);
  const prefix = districtPrefix(door);
  if (truth.doorsFitting(door, 'road', prefix).length !== 1) return undefined;
  const ghost = { ...door, building: String(90 + random.int(0, 9)), unit: '', room: '', compound: '' };
  const text = write(random, ghost, 'road', prefix, {});
  return { text: text.text, expected: 'PARTIAL', code: door.address_code, styles: ['missing building', ...text.styles] };
}

function missingRoom(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const building = random.pick(truth.buildings);
  const prefix = districtPrefix(building);
  if (truth.doorsFitting(building, 'road', prefix).length !== 1) return undefined;
  const units = new Set((truth.childrenOf.get(building.address_code) ?? []).map((r) => r.unit));
  const ghost = { ...building, unit: random.pick([...units]), room: `${random.int(20, 30)}0${random.int(1, 4)}`, floor: '' };
  const text = write(random, ghost, 'road', prefix, { keepUnit: true });
  return { text: text.text, expected: 'PARTIAL', code: building.address_code, styles: ['missing room', ...text.styles] };
}

function unknownRoad(random: SeededRandom, truth: RegistryTruth): LabelledText {
  const door = random.pick(truth.doors);
  const text = write(random, { ...door, road: random.pick(UNKNOWN_ROADS), compound: '' }, 'road', choosePrefix(random, door), {});
  return { text: text.text, expected: 'UNMATCHED', code: null, styles: ['unknown road', ...text.styles] };
}

function unknownNumber(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const door = random.pick(truth.doors);
  const number = String(500 + random.int(0, 400) * 2);
  if (truth.doorsByNumber.has(`${door.road}|${number}`)) return undefined;
  const text = write(random, { ...door, road_number: number, compound: '' }, 'road', choosePrefix(random, door), {});
  return { text: text.text, expected: 'UNMATCHED', code: null, styles: ['unknown number', ...text.styles] };
}

function unknownDistrict(random: SeededRandom, truth: RegistryTruth): LabelledText {
  const door = random.pick(truth.doors);
  const district = random.pick(UNKNOWN_DISTRICTS);
  const prefix: Prefix = { names: random.chance(0.5) ? ['南京市', district] : [district], style: 'unknown district' };
  const text = write(random, { ...door, compound: '' }, 'road', prefix, {});
  return { text: text.text, expected: 'UNMATCHED', code: null, styles: ['unknown district', ...text.styles] };
}

function wrongDistrict(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const door = random.pick(truth.doors);
  const others = [...truth.roadsByDistrict.keys()].filter((d) => d !== door.district && !truth.roadsByDistrict.get(d)!.has(door.road));
  if (others.length === 0) return undefined;
  const prefix: Prefix = { names: [random.pick(others)], style: 'wrong district' };
  const text = write(random, { ...door, compound: '' }, 'road', prefix, {});
  return { text: text.text, expected: 'UNMATCHED', code: null, styles: ['wrong district', ...text.styles] };
}

function sharedDoorWithoutDistrict(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const shared = [...truth.doorsByNumber.values()].filter((doors) => doors.length > 1);
  if (shared.length === 0) return undefined;
  const door = random.pick(random.pick(shared));
  const text = write(random, { ...door, compound: '' }, 'road', noPrefix, {});
  return { text: text.text, expected: 'AMBIGUOUS', code: door.address_code, styles: ['same door in two districts', ...text.styles] };
}

function unitLeftOut(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const room = pickRoom(random, truth);
  const prefix = districtPrefix(room);
  if (truth.doorsFitting(room, 'road', prefix).length !== 1) return undefined;
  const siblings = truth.childrenOf.get(truth.buildingOf(room).address_code)!.filter((r) => r.room === room.room);
  const text = write(random, { ...room, compound: '' }, 'road', prefix, { dropUnit: true });
  const styles = ['unit left out', ...text.styles];
  return siblings.length > 1
    ? { text: text.text, expected: 'AMBIGUOUS', code: room.address_code, styles }
    : { text: text.text, expected: 'MATCHED', code: room.address_code, styles };
}

const noPrefix: Prefix = { names: [], style: 'no prefix' };

function districtPrefix(address: Row): Prefix {
  return { names: [address.district], style: 'district' };
}

function choosePrefix(random: SeededRandom, target: Row): Prefix {
  const short = (name: string, suffix: RegExp) => name.replace(suffix, '');
  const { province, city, district, street, community } = target;
  const options: Prefix[] = [
    noPrefix,
    { names: [province, city, district, street, community], style: 'full prefix' },
    { names: [province, city, district], style: 'province city district' },
    { names: [short(province, /省$/), short(city, /市$/), district], style: 'short province city' },
    { names: [short(city, /市$/), district], style: 'short city' },
    { names: [short(district, /区$/)], style: 'short district' },
    { names: [district], style: 'district' },
    { names: [district, street], style: 'district street' },
    { names: [street], style: 'street' },
    { names: [community], style: 'community' },
    { names: [district, short(community, /社区$/)], style: 'district short community' },
  ];
  return random.pick(options);
}

interface WriteOptions {
  dropUnit?: boolean;
  keepUnit?: boolean;
}

/** Writes an address the way some department would. */
function write(random: SeededRandom, a: Row, locator: Locator, prefix: Prefix, options: WriteOptions): { text: string; styles: string[] } {
  const styles: string[] = [];
  const style = <T extends string>(name: string, choices: readonly T[]): T => {
    const choice = random.pick(choices);
    styles.push(`${name}:${choice}`);
    return choice;
  };
  const numerals = style('digits', ['ascii', 'ascii', 'full-width', 'chinese'] as const);
  const num = (n: string, kind: 'count' | 'room') => (numerals === 'chinese' ? toChinese(n, kind) : numerals === 'full-width' ? toFullWidth(n) : n);

  let door = '';
  if (locator !== 'compound-only') {
    const [base, suffix] = a.road_number.split('-');
    const numberStyle = suffix === undefined ? 'plain' : style('suffix', ['dash', 'zhi'] as const);
    door = numberStyle === 'zhi' ? `${a.road}${num(base, 'count')}号之${toChinese(suffix, 'count')}`
      : numberStyle === 'dash' ? `${a.road}${num(base, 'count')}-${num(suffix, 'count')}号`
      : `${a.road}${num(base, 'count')}号`;
  }
  const bracket = style('brackets', ['none', 'none', 'round', 'full-width'] as const);
  const wrap = (s: string) => (bracket === 'round' ? `(${s})` : bracket === 'full-width' ? `（${s}）` : s);
  const place = locator === 'road-then-compound' ? `${door}${a.compound}`
    : locator === 'compound-then-road' ? `${a.compound}${wrap(door)}`
    : locator === 'compound-only' ? a.compound
    : door;

  let detail = '';
  if (a.building !== '') {
    const unit = options.dropUnit ? '' : a.unit;
    const form = a.room === '' ? 'building' : style('room form', ['markers', 'markers', 'dash-all', 'unit-dash', 'no-suffix'] as const);
    const marker = style('building', ['栋', '栋', '幢', '号楼', '#', '座'] as const);
    const b = `${num(a.building, 'count')}${marker}`;
    if (form === 'building') detail = b;
    else if (form === 'dash-all' && unit !== '') detail = `${num(a.building, 'count')}-${num(unit, 'count')}-${num(a.room, 'room')}`;
    else if (form === 'unit-dash' && unit !== '') detail = `${b}${num(unit, 'count')}-${num(a.room, 'room')}`;
    else {
      const roomSuffix = form === 'no-suffix' ? '' : style('room suffix', ['室', '室', '号'] as const);
      detail = `${b}${unit === '' ? '' : `${num(unit, 'count')}单元`}${num(a.room, 'room')}${roomSuffix}`;
    }
  }
  const spaced = style('spacing', ['none', 'none', 'spaces', 'punctuation'] as const);
  const join = spaced === 'spaces' ? ' ' : spaced === 'punctuation' ? random.pick(['，', ',', '、', ' ']) : '';
  const text = [prefixText(prefix), place, detail].filter((part) => part !== '').join(join);
  return { text: spaced === 'spaces' && random.chance(0.3) ? ` ${text}  ` : text, styles };
}

const CHINESE_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 18 → 十八, 102 → 一百零二 (counts); 501 → 五〇一 (rooms, read digit by digit). */
function toChinese(value: string, kind: 'count' | 'room'): string {
  if (!/^\d+$/.test(value)) return value;
  if (kind === 'room') return [...value].map((d) => CHINESE_DIGITS[Number(d)]).join('');
  const n = Number(value);
  if (n < 10) return CHINESE_DIGITS[n];
  if (n < 20) return `十${n % 10 === 0 ? '' : CHINESE_DIGITS[n % 10]}`;
  if (n < 100) return `${CHINESE_DIGITS[Math.floor(n / 10)]}十${n % 10 === 0 ? '' : CHINESE_DIGITS[n % 10]}`;
  if (n < 1000) {
    const rest = n % 100;
    const tail = rest === 0 ? '' : rest < 10 ? `零${CHINESE_DIGITS[rest]}` : rest < 20 ? `一${toChinese(String(rest), 'count')}` : toChinese(String(rest), 'count');
    return `${CHINESE_DIGITS[Math.floor(n / 100)]}百${tail}`;
  }
  return value;
}

function toFullWidth(value: string): string {
  return value.replace(/[0-9A-Za-z-]/g, (c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
}

function doorKey(address: Row): string {
  return `${address.division_code.slice(0, 6)}|${address.road}|${address.road_number}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

// ——— Issue 23: the styles departments really write ———

/** A positive case of any level, to be rewritten in another style. */
function anyPositive(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const roll = random.next();
  const target = roll < 0.6 ? pickRoom(random, truth) : roll < 0.85 ? random.pick(truth.buildings) : random.pick(truth.doors);
  return positive(random, truth, target);
}

const ST_TABLE = new Map(SIMPLIFIED_TO_TRADITIONAL.split('|').map((entry) => entry.split(' ') as [string, string]));
/** The markers of the address grammar, in their traditional forms. */
const TRADITIONAL_MARKERS: Record<string, string> = { 号: '號', 栋: '棟', 单: '單', 楼: '樓', 层: '層', 区: '區', 门: '門', 园: '園' };

/** Class 1: the same text in traditional characters — every character (OpenCC's table), or the markers only. */
function traditional(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const plain = anyPositive(random, truth);
  if (plain === undefined) return undefined;
  const everything = random.chance(0.7);
  const text = [...plain.text].map((c) => (everything ? ST_TABLE.get(c) ?? c : TRADITIONAL_MARKERS[c] ?? c)).join('');
  return { ...plain, text, styles: ['traditional', everything ? 'traditional:all' : 'traditional:markers', ...plain.styles] };
}

const OFFSETS = ['东侧50米', '南侧约100米', '西边', '附近', '对面', '旁边', '东北角', '北面', '往东200米', '西南侧', '隔壁', '斜对面', '后面', '旁', '对过', '背面', '不远处'];

/** Class 2: a door or building followed by an offset (东侧50米, 对面): never that address. */
function offsetFromAddress(random: SeededRandom, truth: RegistryTruth): LabelledText {
  const target = random.chance(0.7) ? random.pick(truth.doors) : random.pick(truth.buildings);
  const text = write(random, { ...target, compound: '' }, 'road', choosePrefix(random, target), {});
  const offset = random.pick(OFFSETS);
  return { text: `${text.text}${random.chance(0.3) ? ' ' : ''}${offset}`, expected: 'UNMATCHED', code: null, styles: ['offset', ...text.styles] };
}

/** Class 2, the other side: 门前/门口 is the frontage a door answers for, so the door. */
function frontage(random: SeededRandom, truth: RegistryTruth): LabelledText {
  const door = random.pick(truth.doors);
  const prefix = choosePrefix(random, door);
  const text = write(random, door, 'road', prefix, {});
  const styles = ['frontage', ...text.styles];
  const written = `${text.text}${random.pick(['门前', '门口'])}`;
  return truth.doorsFitting(door, 'road', prefix).length > 1
    ? { text: written, expected: 'AMBIGUOUS', code: door.address_code, styles }
    : { text: written, expected: 'MATCHED', code: door.address_code, styles };
}

const COMPOUND_TAIL = /(小区|花园|家园|新村|公寓|苑|雅居)$/;
const OTHER_TAILS = ['家园', '花园', '苑', '新村', '公寓', '雅居', '山庄'];
const TYPO_CHARACTERS = '安华庆丰盛祥瑞泰康宁';

/**
 * Class 3: a building or room whose compound is written with a name the registry does
 * not have — another tail (家园 for 花园), a one-character typo, the stem with a
 * direction (鸿运东), or the bare stem — with or without the road: never answered.
 */
function nearMissCompound(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const target = random.chance(0.6) ? pickRoom(random, truth) : random.pick(truth.buildings);
  const tail = COMPOUND_TAIL.exec(target.compound)?.[0];
  if (tail === undefined) return undefined;
  const stem = target.compound.slice(0, -tail.length);
  const kind = random.pick(['other tail', 'typo', 'stem and direction', 'bare stem'] as const);
  const typo = () => {
    const at = random.int(0, stem.length - 1);
    return `${stem.slice(0, at)}${random.pick([...TYPO_CHARACTERS].filter((c) => c !== stem[at]))}${stem.slice(at + 1)}${tail}`;
  };
  const name = kind === 'other tail' ? `${stem}${random.pick(OTHER_TAILS.filter((t) => t !== tail))}`
    : kind === 'typo' ? typo()
    : kind === 'stem and direction' ? `${stem}${random.pick(['东', '西', '南', '北'])}`
    : stem;
  // A near miss must be no name the registry knows (秦淮 is also a district), nor hold one after its
  // first character (a known name glued behind other words is a case of its own, not generated here).
  const aliases = truth.knownNames();
  if (aliases.has(name) || aliases.has(name.replace(/小区$/, ''))) return undefined;
  for (const alias of aliases) if (alias.length >= 2 && name.indexOf(alias) > 0) return undefined;
  const locator = random.pick(['compound-only', 'road-then-compound'] as const);
  const text = write(random, { ...target, compound: name }, locator, choosePrefix(random, target), {});
  return { text: text.text, expected: 'UNMATCHED', code: null, styles: ['near-miss compound', `near miss:${kind}`, locator, ...text.styles] };
}

/**
 * Doors numbered 附N, 甲N, NA (next to N) and MA (an odd M with no door M), added to a
 * generated registry so the labelled set covers class 4: the demo registry numbers
 * its doors N and N-1 only.
 */
export function withLetteredDoors(registry: DemoRegistry): DemoRegistry {
  const added: Record<string, string>[] = [];
  let serial = 900_000;
  const plainDoors = registry.addresses.filter((a) => a.building === '' && /^\d+$/.test(a.road_number));
  plainDoors.forEach((door, i) => {
    if (i % 9 !== 0) return;
    const n = Number(door.road_number);
    const numbers = [`${n}A`, ...(i % 27 === 0 ? [`附${n}`] : []), ...(i % 36 === 0 ? [`甲${n}`] : []), ...(i % 18 === 0 ? [`${n + 1}A`] : [])];
    for (const road_number of numbers) {
      added.push({ ...door, address_code: `${door.division_code}${++serial}`, road_number, door_plate_code: '' });
    }
  });
  return { grids: registry.grids, addresses: [...registry.addresses, ...added] };
}

const LETTERED = /^(附|甲)?(\d+)([A-Z])?$/;

/** Writes a lettered door number: the letter in either case, 号 after. */
function letteredNumber(random: SeededRandom, roadNumber: string): string {
  return `${random.chance(0.4) ? roadNumber.toLowerCase() : roadNumber}号`;
}

/** Class 4: a door numbered 附N, 甲N or NA, written with that number: that door. */
function letteredDoor(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const doors = truth.doors.filter((door) => /[附甲A-Z]/.test(door.road_number));
  if (doors.length === 0) return undefined;
  const door = random.pick(doors);
  const prefix = choosePrefix(random, door);
  const text = `${prefixText(prefix)}${door.road}${letteredNumber(random, door.road_number)}`;
  const styles = ['lettered door', `lettered:${LETTERED.exec(door.road_number)?.[1] ?? 'letter'}`, prefix.style];
  return truth.doorsFitting(door, 'road', prefix).length > 1
    ? { text, expected: 'AMBIGUOUS', code: door.address_code, styles }
    : { text, expected: 'MATCHED', code: door.address_code, styles };
}

/** Class 4, never a fall-back: NB where only N and NA exist, M where only MA exists, 附N where only N exists. */
function letteredNoFallback(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const door = random.pick(truth.doors.filter((d) => /^\d+A$/.test(d.road_number)));
  if (door === undefined) return undefined;
  const n = door.road_number.slice(0, -1);
  const number = random.pick([`${n}B`, n, `附${n}`, `甲${n}`, `${n}C`]);
  if (truth.doorsByNumber.has(`${door.road}|${number}`)) return undefined;
  const prefix = districtPrefix(door);
  const text = `${prefixText(prefix)}${door.road}${letteredNumber(random, number)}`;
  return { text, expected: 'UNMATCHED', code: null, styles: ['lettered no fallback', prefix.style] };
}

/** Class 5: a range of door numbers (88至90号, 88-90号, 88～90号) is no one door. */
function range(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const door = random.pick(truth.doors.filter((d) => /^\d+$/.test(d.road_number)));
  const to = String(Number(door.road_number) + 2);
  if (truth.doorsByNumber.has(`${door.road}|${door.road_number}-${to}`)) return undefined;
  const dash = random.pick(['至', '-', '～', '—', '号至', '、'] as const);
  const prefix = choosePrefix(random, door);
  const text = `${prefixText(prefix)}${door.road}${door.road_number}${dash}${to}号`;
  return { text, expected: 'UNMATCHED', code: null, styles: ['range', `range:${dash}`, prefix.style] };
}

/**
 * Class 6: a compound found by name alone, with several gates in one district: a
 * building behind exactly one gate is that building; the compound alone stays AMBIGUOUS.
 */
function compoundGates(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const building = random.pick(truth.buildings);
  const doors = truth.doorsFitting(building, 'compound-only', districtPrefix(building));
  if (doors.length < 2) return undefined;
  const prefix = districtPrefix(building);
  if (random.chance(0.3)) {
    return { text: `${prefixText(prefix)}${building.compound}`, expected: 'AMBIGUOUS', code: truth.doorOf(building).address_code, styles: ['compound gates', 'gates:compound alone'] };
  }
  const text = write(random, building, 'compound-only', prefix, {});
  const fitting = truth.gatesFitting(building, 'compound-only', doors);
  const styles = ['compound gates', fitting.length === 1 ? 'gates:one has the building' : 'gates:several have it', ...text.styles];
  return fitting.length === 1
    ? { text: text.text, expected: 'MATCHED', code: building.address_code, styles }
    : { text: text.text, expected: 'AMBIGUOUS', code: null, styles };
}

const PEOPLE = ['张三', '李四', '王芳', '刘洋', '陈静'];
const NOTES = ['第一中学', '出租', '自住', '网格员代填', '近地铁站', '原门牌已拆'];

/** Class 7: the address inside a record — labels, a name, phone numbers, a bracketed note. */
function labelledRecord(random: SeededRandom, truth: RegistryTruth): LabelledText | undefined {
  const plain = anyPositive(random, truth);
  if (plain === undefined) return undefined;
  const mobile = `1${random.pick(['35', '38', '52', '86', '99'])}${String(random.int(0, 99_999_999)).padStart(8, '0')}`;
  const landline = `025-${String(random.int(10_000_000, 89_999_999))}`;
  const person = random.pick(PEOPLE);
  const forms: [string, string][] = [
    ['receiver phone address', `收货人:${person} 手机:${mobile} 地址:${plain.text}`],
    ['name phone residence', `姓名：${person}，联系电话：${mobile}，住址：${plain.text}`],
    ['address then phone label', `${plain.text} 电话:${landline}`],
    ['address then bare phone', `${plain.text} ${mobile}`],
    ['contact before address', `联系人：${person} ${plain.text}`],
    ['labels without colons', `收货人 ${person} 手机 ${mobile} 地址 ${plain.text}`],
    ['bracketed note', `${plain.text}（${random.pick(NOTES)}）`],
  ];
  const [form, text] = random.pick(forms);
  return { ...plain, text, styles: ['labelled record', `record:${form}`, ...plain.styles] };
}
