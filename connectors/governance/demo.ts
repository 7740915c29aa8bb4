import type { DemoSource } from '../../src/connectors/connector.js';
import { demoResidents } from '../../src/demo/demo-population.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../src/demo/native-table.js';
import { SeededRandom } from '../../src/demo/random.js';

const TIME = 'varchar(19)';
const WORKERS: NativeTable = {
  name: 'ZZ_WGY',
  columns: { WGYBH: 'varchar(32)', SFZH: 'varchar(18)', XM: 'varchar(50)', WGBM: 'varchar(32)', FWDH: 'varchar(20)', GXSJ: TIME },
  indexes: [['GXSJ', 'WGYBH']],
};
const EVENTS: NativeTable = {
  name: 'ZZ_SJ',
  columns: {
    SJBH: 'varchar(32)', SJLB: 'char(2)', SJMS: 'varchar(500)', FSDZ: 'varchar(200)', SBRSFZH: 'varchar(18)',
    SBSJ: TIME, SLSJ: TIME, PQSJ: TIME, CZSJ: TIME, HCSJ: TIME, JASJ: TIME, GXSJ: TIME,
  },
  indexes: [['GXSJ', 'SJBH']],
};
const DISPUTES: NativeTable = {
  name: 'ZZ_MDJF',
  columns: { JFBH: 'varchar(32)', JFLX: 'char(2)', JFMS: 'varchar(500)', FSDZ: 'varchar(200)', SBSJ: TIME, SLSJ: TIME, JASJ: TIME, TJJG: 'char(1)', GXSJ: TIME },
  indexes: [['GXSJ', 'JFBH']],
};
const PARTIES: NativeTable = {
  name: 'ZZ_JFDSR',
  columns: { DSRBH: 'varchar(32)', JFBH: 'varchar(32)', SFZH: 'varchar(18)', DSRLX: 'char(1)', GXSJ: TIME },
  indexes: [['GXSJ', 'DSRBH']],
};
const SPECIAL: NativeTable = {
  name: 'ZZ_TSRQ',
  columns: { TSRQBH: 'varchar(32)', SFZH: 'varchar(18)', RQLB: 'char(1)', LGSJ: TIME, GXSJ: TIME },
  indexes: [['GXSJ', 'TSRQBH']],
};

const EVENT_TEXT: Record<string, string> = {
  '01': '楼道堆放杂物，影响通行', '02': '单元门禁损坏', '03': '电动车楼道充电', '04': '独居老人需上门探访', '05': '楼上漏水引发邻里矛盾',
};
const DISPUTE_TEXT: Record<string, string> = { '01': '楼上楼下噪音纠纷', '02': '家庭赡养纠纷', '03': '物业费缴纳纠纷', '04': '工资拖欠' };
const MINUTE = 60_000;

/**
 * The governance platform's records over the same district: a grid worker for
 * each residential grid (a resident of it), grid events at residents' homes
 * with their full handling timeline, disputes with two resident parties, and
 * special populations. Times are `yyyy-MM-dd HH:mm:ss`; the addresses are written
 * the grid worker's way (community, compound, building, room).
 */
export const governanceDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [WORKERS, EVENTS, DISPUTES, PARTIES, SPECIAL]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 7);
    const workers = new NativeTableWriter(db, WORKERS, options.onProgress);
    const events = new NativeTableWriter(db, EVENTS);
    const disputes = new NativeTableWriter(db, DISPUTES);
    const parties = new NativeTableWriter(db, PARTIES);
    const special = new NativeTableWriter(db, SPECIAL);
    const gridsWithWorker = new Set<string>();
    let previous: { idNumber: string } | undefined;
    for (const resident of demoResidents(places.rooms, options.scale, options.seed)) {
      const home = resident.home;
      // The grid worker's way: community, compound, building, unit, room — the unit sometimes forgotten.
      const unit = home.unit && random.chance(0.9) ? `${home.unit}单元` : '';
      const address = `${home.community}${home.compound ?? ''}${home.building ?? ''}栋${unit}${home.room ?? ''}室`;
      const fullAddress = `${home.district}${home.road}${home.road_number}号${home.compound ?? ''}${home.building ?? ''}栋${home.unit ? `${home.unit}单元` : ''}${home.room ?? ''}室`;
      const base = Date.UTC(2023, 0, 1) + resident.index * 37 * MINUTE;
      if (home.grid_code !== null && !gridsWithWorker.has(home.grid_code) && !resident.floating) {
        gridsWithWorker.add(home.grid_code);
        await workers.add({ WGYBH: `WGY${home.grid_code}`, SFZH: resident.idNumber, XM: resident.name, WGBM: home.grid_code, FWDH: `025-${String(random.int(8000_0000, 8999_9999))}`, GXSJ: localTime.dashed(base) });
      }
      if (resident.index % 9 === 2) {
        const kind = random.pick(Object.keys(EVENT_TEXT));
        let t = base;
        const step = (min: number, max: number) => localTime.dashed((t += random.int(min, max) * MINUTE));
        const reported = localTime.dashed(t);
        const closedEarly = random.chance(0.2);
        await events.add({
          SJBH: `SJ${String(resident.index).padStart(10, '0')}`, SJLB: kind, SJMS: EVENT_TEXT[kind], FSDZ: random.chance(0.5) ? address : fullAddress, SBRSFZH: resident.idNumber,
          SBSJ: reported, SLSJ: step(5, 60), PQSJ: step(10, 120), CZSJ: closedEarly ? null : step(60, 2880), HCSJ: closedEarly ? null : step(30, 600), JASJ: closedEarly ? null : step(10, 240),
          GXSJ: reported,
        });
      }
      if (resident.index % 25 === 4 && previous !== undefined) {
        const kind = random.pick(Object.keys(DISPUTE_TEXT));
        const id = `JF${String(resident.index).padStart(10, '0')}`;
        const reported = localTime.dashed(base);
        await disputes.add({ JFBH: id, JFLX: kind, JFMS: DISPUTE_TEXT[kind], FSDZ: fullAddress, SBSJ: reported, SLSJ: localTime.dashed(base + 30 * MINUTE), JASJ: localTime.dashed(base + random.int(1, 20) * 1440 * MINUTE), TJJG: random.pick(['1', '1', '2', '3']), GXSJ: reported });
        await parties.add({ DSRBH: `${id}-1`, JFBH: id, SFZH: resident.idNumber, DSRLX: '1', GXSJ: reported });
        await parties.add({ DSRBH: `${id}-2`, JFBH: id, SFZH: previous.idNumber, DSRLX: '2', GXSJ: reported });
      }
      if (resident.index % 97 === 13) {
        await special.add({ TSRQBH: `TS${String(resident.index).padStart(10, '0')}`, SFZH: resident.idNumber, RQLB: random.pick(['1', '2', '3', '4']), LGSJ: localTime.dashed(base), GXSJ: localTime.dashed(base) });
      }
      previous = resident;
    }
    for (const writer of [workers, events, disputes, parties, special]) await writer.flush();
    return {
      rows: { ZZ_WGY: workers.written, ZZ_SJ: events.written, ZZ_MDJF: disputes.written, ZZ_JFDSR: parties.written, ZZ_TSRQ: special.written },
      defects: {},
      deleted: {},
    };
  },
};
