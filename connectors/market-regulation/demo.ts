import type { DemoSource } from '../../src/connectors/connector.js';
import { demoBusinesses, FOOD_TRADES } from '../../src/demo/demo-businesses.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../src/demo/native-table.js';
import { SeededRandom } from '../../src/demo/random.js';

const ENTERPRISES: NativeTable = {
  name: 'E_QYJBXX',
  columns: {
    PRIPID: 'varchar(36)', UNISCID: 'varchar(18)', ENTNAME: 'varchar(200)', ENTTYPE: 'char(4)', LEREP: 'varchar(50)', CERNO: 'varchar(18)',
    DOM: 'varchar(200)', OPLOC: 'varchar(200)', ESTDATE: 'char(8)', REGSTATE: 'char(1)', LASTUPDTIME: 'char(14)',
  },
  indexes: [['LASTUPDTIME', 'PRIPID'], ['UNISCID']],
};
const LICENCES: NativeTable = {
  name: 'SP_SPJYXKZ',
  columns: { XKZBH: 'varchar(32)', UNISCID: 'varchar(18)', JYXM: 'varchar(200)', FZRQ: 'char(8)', YXQZ: 'char(8)', GXSJ: 'char(14)' },
  indexes: [['GXSJ', 'XKZBH']],
};
const INSPECTIONS: NativeTable = {
  name: 'JC_JCJL',
  columns: { JCBH: 'varchar(32)', UNISCID: 'varchar(18)', JCLX: 'char(2)', JCJG: 'char(1)', JCDZ: 'varchar(200)', JCSJ: 'char(14)', JASJ: 'char(14)', GXSJ: 'char(14)' },
  indexes: [['GXSJ', 'JCBH']],
};

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/**
 * The district's businesses (src/demo/demo-businesses.ts) as the market
 * regulator registers them: individual businesses and companies run by
 * residents (the operator's ID number links them to the police register), food
 * licences for the food trades, and inspections. Defects: credit codes with a
 * wrong check character, addresses that do not resolve.
 */
export const marketRegulationDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [ENTERPRISES, LICENCES, INSPECTIONS]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 3);
    const defects = { creditCode: 0, unresolvableAddress: 0 };
    const enterprises = new NativeTableWriter(db, ENTERPRISES, options.onProgress);
    const licences = new NativeTableWriter(db, LICENCES);
    const inspections = new NativeTableWriter(db, INSPECTIONS);
    for (const business of demoBusinesses(places, options.scale, options.seed)) {
      const { index: n, place, operator } = business;
      let creditCode = business.creditCode;
      if (random.chance(0.02)) {
        creditCode = creditCode.slice(0, 17) + ALPHABET[(ALPHABET.indexOf(creditCode[17]) + 1) % 31];
        defects.creditCode++;
      }
      const unresolvable = random.chance(0.02);
      // A road that is not in the registry, or the district and door the regulator's way.
      const address = unresolvable ? `${place.district}东${place.road}${place.road_number}号` : place.full_text.slice(place.full_text.indexOf(place.district));
      if (unresolvable) defects.unresolvableAddress++;
      const updated = Date.UTC(2018, 0, 1) + n * 3_600_000 * 7;
      await enterprises.add({
        PRIPID: `3201${String(n).padStart(14, '0')}`, UNISCID: creditCode, ENTNAME: business.name, ENTTYPE: business.individual ? '9600' : random.pick(['1110', '1120']),
        LEREP: operator.name, CERNO: operator.idNumber, DOM: place.full_text, OPLOC: address, ESTDATE: localTime.date(updated - 3 * 365 * 86_400_000),
        REGSTATE: random.chance(0.92) ? '1' : random.pick(['2', '3']), LASTUPDTIME: localTime.compact(updated),
      });
      if (FOOD_TRADES.has(business.trade)) {
        await licences.add({ XKZBH: `JY1${place.division_code.slice(0, 6)}${String(n).padStart(7, '0')}`, UNISCID: creditCode, JYXM: `${business.trade}；预包装食品销售`, FZRQ: localTime.date(updated), YXQZ: localTime.date(updated + 5 * 365 * 86_400_000), GXSJ: localTime.compact(updated) });
        const checked = updated + random.int(30, 300) * 86_400_000;
        await inspections.add({ JCBH: `JC${String(n).padStart(10, '0')}`, UNISCID: creditCode, JCLX: '01', JCJG: random.pick(['1', '1', '1', '2', '3']), JCDZ: address, JCSJ: localTime.compact(checked), JASJ: localTime.compact(checked + random.int(1, 14) * 86_400_000), GXSJ: localTime.compact(checked) });
      }
    }
    for (const writer of [enterprises, licences, inspections]) await writer.flush();
    return {
      rows: { E_QYJBXX: enterprises.written, SP_SPJYXKZ: licences.written, JC_JCJL: inspections.written },
      defects: { E_QYJBXX: defects },
      deleted: {},
    };
  },
};
