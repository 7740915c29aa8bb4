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
  const doors = truth.doorsFitting(target, locator, prefix);
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
