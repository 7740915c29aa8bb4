import type { DemoSource } from '../../src/connectors/connector.js';
import { demoResidents } from '../../src/demo/demo-population.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../src/demo/native-table.js';
import { SeededRandom } from '../../src/demo/random.js';
import { creditCodeCheckCharacter } from '../../src/identity/credit-code.js';

const MEMBERS: NativeTable = {
  name: 'MZ_DBCY',
  columns: {
    CYBH: 'varchar(32)', JTBH: 'varchar(32)', SFZH: 'varchar(18)', XM: 'varchar(50)', LXDH: 'varchar(20)', YHZGX: 'char(2)', BZLX: 'char(1)',
    BZJE: 'varchar(10)', JTDZ: 'varchar(200)', ZT: "char(1) default '1'", GXSJ: 'varchar(16)',
  },
  indexes: [['GXSJ', 'CYBH'], ['SFZH']],
};
const ELDERLY: NativeTable = {
  name: 'MZ_LNR',
  columns: { LNRBH: 'varchar(32)', SFZH: 'varchar(18)', XM: 'varchar(50)', JZDZ: 'varchar(200)', DJBZ: 'char(1)', GLBT: 'char(1)', GXSJ: 'varchar(16)' },
  indexes: [['GXSJ', 'LNRBH']],
};
const SOCIAL_ORGANIZATIONS: NativeTable = {
  name: 'MZ_SHZZ',
  columns: { DJZH: 'varchar(32)', TYSHXYDM: 'varchar(18)', ZZMC: 'varchar(200)', ZZLX: 'char(1)', FDDBR: 'varchar(50)', FDDBRSFZH: 'varchar(18)', ZS: 'varchar(200)', DJRQ: 'char(8)', GXSJ: 'varchar(16)' },
  indexes: [['GXSJ', 'DJZH']],
};

/** Characters a caseworker may type instead of the registered one (同音字): the same person spelled differently. */
const HOMOPHONES: Record<string, string> = { 伟: '玮', 芳: '方', 敏: '民', 静: '静', 丽: '莉', 军: '君', 杰: '洁', 明: '铭', 华: '桦', 玉: '钰', 文: '雯', 海: '海', 波: '博' };

/**
 * Civil affairs' view of the same residents: one in twelve is in an assistance
 * household, the over-75s are on the elderly register, and a few social
 * organizations are led by residents. Addresses are written the caseworker's
 * way (district and door, `3栋2单元301`), and some names and phones differ from
 * the police's — the conflicts a steward must see.
 */
export const civilAffairsDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [MEMBERS, ELDERLY, SOCIAL_ORGANIZATIONS]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 5);
    const defects = { nameDiffers: 0, phoneDiffers: 0 };
    const members = new NativeTableWriter(db, MEMBERS, options.onProgress);
    const elderly = new NativeTableWriter(db, ELDERLY);
    const organizations = new NativeTableWriter(db, SOCIAL_ORGANIZATIONS);
    let organizationCount = 0;
    for (const resident of demoResidents(places.rooms, options.scale, options.seed)) {
      const home = resident.home;
      const address = `${home.district}${home.road}${home.road_number}号${home.building ?? ''}栋${home.unit ? `${home.unit}单元` : ''}${home.room ?? ''}`;
      const updated = localTime.slashed(Date.UTC(2020, 0, 1) + resident.index * 3_600_000 * 5);
      if (resident.index % 12 === 1) {
        let name = resident.name;
        const given = name.slice(1);
        const swap = [...given].find((c) => HOMOPHONES[c] !== undefined && HOMOPHONES[c] !== c);
        if (swap !== undefined && random.chance(0.15)) {
          name = name.slice(0, 1) + given.replace(swap, HOMOPHONES[swap]);
          defects.nameDiffers++;
        }
        let phone = resident.phone;
        if (random.chance(0.1)) {
          phone = `1${random.pick(['3', '5', '8'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
          defects.phoneDiffers++;
        }
        await members.add({
          CYBH: `DB${String(resident.index).padStart(10, '0')}`, JTBH: `JT${home.code.slice(-8)}`, SFZH: resident.idNumber, XM: name, LXDH: phone,
          YHZGX: random.pick(['01', '02', '03']), BZLX: random.chance(0.85) ? '1' : '2', BZJE: String(random.int(8, 12) * 100), JTDZ: address, ZT: '1', GXSJ: updated,
        });
      }
      if (Number(resident.birthDate.slice(0, 4)) <= 1950) {
        await elderly.add({ LNRBH: `LN${String(resident.index).padStart(10, '0')}`, SFZH: resident.idNumber, XM: resident.name, JZDZ: address, DJBZ: random.chance(0.2) ? '1' : '0', GLBT: Number(resident.birthDate.slice(0, 4)) <= 1945 ? '1' : '0', GXSJ: updated });
      }
      if (resident.index % 400 === 9) {
        const first17 = `51${home.division_code.slice(0, 6)}MJ${String(organizationCount).padStart(7, '0')}`;
        await organizations.add({
          DJZH: `SHZZ${String(organizationCount).padStart(6, '0')}`, TYSHXYDM: first17 + creditCodeCheckCharacter(first17), ZZMC: `${home.community}${random.pick(['志愿者协会', '老年人协会', '文体活动中心', '邻里互助会'])}`,
          ZZLX: random.pick(['1', '2']), FDDBR: resident.name, FDDBRSFZH: resident.idNumber, ZS: address, DJRQ: resident.birthDate.replace(/^\d{4}/, '2019'), GXSJ: updated,
        });
        organizationCount++;
      }
    }
    for (const writer of [members, elderly, organizations]) await writer.flush();
    return {
      rows: { MZ_DBCY: members.written, MZ_LNR: elderly.written, MZ_SHZZ: organizations.written },
      defects: { MZ_DBCY: defects },
      deleted: {},
    };
  },
};
