import type { DemoSource } from '../../../src/connectors/connector.js';
import { demoResidents } from '../../../src/demo/demo-population.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../../src/demo/native-table.js';

const RECIPIENTS: NativeTable = {
  name: 'ZF_BZDX',
  columns: { BZBH: 'varchar(20)', SFZH: 'varchar(18)', XM: 'varchar(50)', LXDH: 'varchar(20)', BZLX: 'char(1)', BTJE: 'varchar(8)', JZDZ: 'varchar(200)', GXSJ: 'varchar(19)' },
  indexes: [['GXSJ', 'BZBH']],
};
const BUILDINGS: NativeTable = {
  name: 'ZF_LY',
  columns: { LYBH: 'varchar(20)', LYDZ: 'varchar(200)', JGDM: 'char(1)', JCNF: 'char(4)', CQRSFZH: 'varchar(18)', GXSJ: 'varchar(19)' },
};

/** The monthly subsidy of the n-th recipient, in yuan: written here so the test can state it independently. */
export const subsidyOf = (index: number) => String(500 + (index % 7) * 100);

/**
 * The housing authority's view of the demo residents: every fifteenth resident
 * receives housing security (every third of them as 公租房), and the building
 * of every tenth of those is on the housing register with that resident as its
 * owner. Addresses are written as the other departments write them.
 */
export const housingDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [RECIPIENTS, BUILDINGS]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const recipients = new NativeTableWriter(db, RECIPIENTS, options.onProgress);
    const buildings = new NativeTableWriter(db, BUILDINGS);
    let n = 0;
    for (const resident of demoResidents(places.rooms, options.scale, options.seed)) {
      if (resident.index % 15 !== 4) continue;
      const home = resident.home;
      const building = `${home.district}${home.road}${home.road_number}号${home.building ?? ''}栋`;
      const updated = localTime.dashed(Date.UTC(2021, 5, 1) + resident.index * 3_600_000);
      await recipients.add({
        BZBH: `BZ${String(n).padStart(8, '0')}`, SFZH: resident.idNumber, XM: resident.name, LXDH: resident.phone, BZLX: n % 3 === 0 ? '1' : '2',
        BTJE: subsidyOf(n), JZDZ: `${building}${home.unit ? `${home.unit}单元` : ''}${home.room ?? ''}`, GXSJ: updated,
      });
      if (n % 10 === 0) await buildings.add({ LYBH: `LY${String(n).padStart(6, '0')}`, LYDZ: building, JGDM: n % 20 === 0 ? '1' : '2', JCNF: '1998', CQRSFZH: resident.idNumber, GXSJ: updated });
      n++;
    }
    for (const writer of [recipients, buildings]) await writer.flush();
    return { rows: { ZF_BZDX: recipients.written, ZF_LY: buildings.written }, defects: {}, deleted: {} };
  },
};
