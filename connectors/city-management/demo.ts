import type { DemoSource } from '../../src/connectors/connector.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../src/demo/native-table.js';
import { SeededRandom } from '../../src/demo/random.js';
import { demoBusinesses } from '../../src/demo/demo-businesses.js';

const TIME = 'char(14)';
const CASES: NativeTable = {
  name: 'CG_AJXX',
  columns: { AJBH: 'varchar(32)', XLDM: 'char(4)', WTMS: 'varchar(500)', AJDZ: 'varchar(200)', SBSJ: TIME, LASJ: TIME, PQSJ: TIME, CZSJ: TIME, HCSJ: TIME, JASJ: TIME, GXSJ: TIME },
  indexes: [['GXSJ', 'AJBH']],
};
const COMPONENTS: NativeTable = {
  name: 'CG_BJXX',
  columns: { BJBM: 'varchar(32)', BJLX: 'char(4)', BJZT: 'char(1)', BJDZ: 'varchar(200)', GXSJ: TIME },
  indexes: [['GXSJ', 'BJBM']],
};
const ENFORCEMENT: NativeTable = {
  name: 'CG_ZFAJ',
  columns: { ZFBH: 'varchar(32)', AY: 'char(2)', AQMS: 'varchar(500)', DSRMC: 'varchar(200)', DSRXYDM: 'varchar(18)', AFDZ: 'varchar(200)', LASJ: TIME, JASJ: TIME, GXSJ: TIME },
  indexes: [['GXSJ', 'ZFBH']],
};

const CASE_TEXT: Record<string, string> = {
  '0101': '路边暴露垃圾未清运', '0102': '人行道乱堆建材', '0201': '井盖破损存在安全隐患', '0202': '路灯夜间不亮', '0301': '商户占道经营', '0302': '墙面张贴非法小广告',
};
const MINUTE = 60_000;

/**
 * The city-management system over the district's doors: components at every
 * door (a lamp, a manhole cover …), digital city-management cases at doors with
 * the full GB/T 30428 timeline in `yyyyMMddHHmmss`, and enforcement cases
 * against the district's businesses — the same enterprises, by credit code,
 * that the market regulator registers.
 */
export const cityManagementDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [CASES, COMPONENTS, ENFORCEMENT]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 11);
    const cases = new NativeTableWriter(db, CASES, options.onProgress);
    const components = new NativeTableWriter(db, COMPONENTS);
    const enforcement = new NativeTableWriter(db, ENFORCEMENT);
    const doors = places.doors.length > 0 ? places.doors : places.rooms;
    const rounds = Math.max(1, Math.round(options.scale * 3));
    for (let round = 0; round < rounds; round++) {
      for (const [i, door] of doors.entries()) {
        const n = round * doors.length + i;
        const text = `${door.district}${door.road}${door.road_number}号`;
        const base = Date.UTC(2022, 0, 1) + n * 53 * MINUTE;
        if (round === 0) {
          await components.add({ BJBM: `BJ${door.division_code}${String(i).padStart(5, '0')}`, BJLX: random.pick(['0101', '0102', '0201', '0301', '0401']), BJZT: random.chance(0.9) ? '1' : random.pick(['2', '3']), BJDZ: `${text}门前`, GXSJ: localTime.compact(base) });
        }
        const kind = random.pick(Object.keys(CASE_TEXT));
        // Cases are reported at a door's frontage (门口), which resolves to the door; `…附近` (near it) would not.
        let t = base;
        const step = (min: number, max: number) => localTime.compact((t += random.int(min, max) * MINUTE));
        await cases.add({
          AJBH: `AJ${String(n).padStart(10, '0')}`, XLDM: kind, WTMS: CASE_TEXT[kind], AJDZ: `${text}门口`, SBSJ: localTime.compact(t),
          LASJ: step(2, 30), PQSJ: step(5, 60), CZSJ: step(30, 1440), HCSJ: step(10, 240), JASJ: step(5, 60), GXSJ: localTime.compact(base),
        });
      }
    }
    // Enforcement against one business in six, at its shop front.
    for (const business of demoBusinesses(places, options.scale, options.seed)) {
      if (business.index % 6 !== 0) continue;
      const { place } = business;
      const base = Date.UTC(2022, 6, 1) + business.index * 97 * MINUTE;
      await enforcement.add({
        ZFBH: `ZF${String(business.index).padStart(10, '0')}`, AY: random.pick(['01', '02', '03']), AQMS: '现场检查发现违规行为，责令改正', DSRMC: business.name,
        DSRXYDM: business.creditCode, AFDZ: `${place.district}${place.road}${place.road_number}号`, LASJ: localTime.compact(base),
        JASJ: localTime.compact(base + random.int(3, 30) * 1440 * MINUTE), GXSJ: localTime.compact(base),
      });
    }
    for (const writer of [cases, components, enforcement]) await writer.flush();
    return { rows: { CG_AJXX: cases.written, CG_BJXX: components.written, CG_ZFAJ: enforcement.written }, defects: {}, deleted: {} };
  },
};
