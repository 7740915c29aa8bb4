import type { StandardAddressRow } from '../db/hub-schema.js';
import { creditCodeCheckCharacter } from '../identity/credit-code.js';
import { type DemoResident, demoResidents } from './demo-population.js';
import { SeededRandom } from './random.js';

/** One demo business: the same enterprise in every source that knows it. */
export interface DemoBusiness {
  readonly index: number;
  /** A valid GB 32100 code. */
  readonly creditCode: string;
  readonly name: string;
  readonly trade: string;
  /** 个体工商户 (true) or a company. */
  readonly individual: boolean;
  readonly operator: DemoResident;
  readonly place: StandardAddressRow;
}

const TRADES = ['餐饮', '超市', '便利店', '理发店', '五金店', '药房', '服装店', '水果店', '茶馆', '快递站'];
const BRANDS = ['金陵', '紫金', '钟山', '秦淮', '玄武', '鼎盛', '和顺', '兴隆', '福源', '百味'];
/** Trades that need a food business licence. */
export const FOOD_TRADES = new Set(['餐饮', '超市', '便利店', '水果店', '茶馆']);

/**
 * The district's businesses, deterministically: one for every eight residents,
 * run by one of them, at the registry's doors (shop fronts). Generated one at a
 * time, like the residents.
 */
export function* demoBusinesses(places: { rooms: readonly StandardAddressRow[]; doors: readonly StandardAddressRow[] }, scale: number, seed: number): Generator<DemoBusiness> {
  const random = new SeededRandom(seed + 101);
  const shops = places.doors.length > 0 ? places.doors : places.rooms;
  let index = 0;
  for (const operator of demoResidents(places.rooms, scale, seed)) {
    if (operator.index % 8 !== 0) continue;
    const place = shops[index % shops.length];
    const individual = random.chance(0.7);
    const first17 = `${individual ? '92' : '91'}${place.division_code.slice(0, 6)}MA${random.pick([...'0123456789ABCDEFGH'])}${String(index).padStart(6, '0')}`;
    const trade = random.pick(TRADES);
    yield {
      index,
      creditCode: first17 + creditCodeCheckCharacter(first17),
      name: individual ? `${place.district}${operator.name.slice(0, 1)}记${trade}` : `南京${random.pick(BRANDS)}${trade}有限公司`,
      trade,
      individual,
      operator,
      place,
    };
    index++;
  }
}
