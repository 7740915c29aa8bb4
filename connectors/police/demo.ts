import type { DemoSource } from '../../src/connectors/connector.js';
import { type DemoResident, demoResidents } from '../../src/demo/demo-population.js';
import { createNativeTable, localTime, type NativeTable, NativeTableWriter } from '../../src/demo/native-table.js';
import { SeededRandom } from '../../src/demo/random.js';

const POPULATION: NativeTable = {
  name: 'T_RK_RKXX',
  columns: {
    RYBH: 'varchar(32)', GMSFHM: 'varchar(18)', XM: 'varchar(50)', XBDM: 'char(1)', CSRQ: 'char(8)', MZDM: 'char(2)', LXDH: 'varchar(20)',
    HJDZ: 'varchar(200)', JZDZ: 'varchar(200)', RKLXDM: 'char(1)', DJSJ: 'varchar(19)', GXSJ: 'varchar(19)', ZXBZ: "char(1) default '0'",
  },
  indexes: [['GXSJ', 'RYBH'], ['GMSFHM']],
};
const RENTALS: NativeTable = {
  name: 'T_FW_CZFW',
  columns: { FWBH: 'varchar(32)', FWDZ: 'varchar(200)', FZSFZH: 'varchar(18)', FZXM: 'varchar(50)', CZYT: 'char(1)', ZLRS: 'varchar(4)', GXSJ: 'varchar(19)' },
  indexes: [['GXSJ', 'FWBH']],
};
const KEY_PERSONS: NativeTable = {
  name: 'T_ZDRY',
  columns: { ZDRYBH: 'varchar(32)', GMSFHM: 'varchar(18)', XM: 'varchar(50)', ZDRYLB: 'char(2)', LGSJ: 'varchar(19)', GXSJ: 'varchar(19)' },
  indexes: [['GXSJ', 'ZDRYBH']],
};
const INCIDENTS: NativeTable = {
  name: 'T_JQ_JQXX',
  columns: { JQBH: 'varchar(32)', JQLB: 'char(2)', JQNR: 'varchar(500)', FADZ: 'varchar(200)', BJRSFZH: 'varchar(18)', BJSJ: 'varchar(19)', CJSJ: 'varchar(19)', DDSJ: 'varchar(19)', JASJ: 'varchar(19)', GXSJ: 'varchar(19)' },
  indexes: [['GXSJ', 'JQBH']],
};

const INCIDENT_TEXT: Record<string, string> = { '01': '邻里纠纷，双方发生口角', '02': '电动车被盗', '03': '噪音扰民', '04': '家庭纠纷', '05': '求助：老人走失' };
const YEAR_MS = 365 * 86_400_000;
const EPOCH_2015 = Date.UTC(2015, 0, 1);

type Defect = 'checkDigit' | 'fifteenDigit' | 'lowercaseX' | 'unresolvableAddress';

/**
 * The police's systems as they look: the population register (人口信息), rental
 * housing (出租房屋), key persons (重点人员) and incidents (警情), with upper-case
 * pinyin columns, code tables, full-text addresses, local timestamps — and
 * defects: failed check digits, 15-digit numbers, lower-case x, addresses that
 * do not resolve, cancelled (注销) records.
 */
export const policeDemo: DemoSource = {
  async createSchema(db) {
    for (const table of [POPULATION, RENTALS, KEY_PERSONS, INCIDENTS]) await createNativeTable(db, table);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 1);
    const defects: Record<Defect, number> = { checkDigit: 0, fifteenDigit: 0, lowercaseX: 0, unresolvableAddress: 0 };
    let cancelled = 0;
    const population = new NativeTableWriter(db, POPULATION, options.onProgress);
    const rentals = new NativeTableWriter(db, RENTALS);
    const keyPersons = new NativeTableWriter(db, KEY_PERSONS);
    const incidents = new NativeTableWriter(db, INCIDENTS);
    for (const resident of demoResidents(places.rooms, options.scale, options.seed)) {
      const { row, defects: these } = populationRow(resident, random);
      if (row.ZXBZ === '1') cancelled++;
      else for (const defect of these) defects[defect]++;
      await population.add(row);
      const at = EPOCH_2015 + (resident.index % 2000) * 3_600_000 * 31;
      // Every fifth household head lets a room; one in fifty residents is a key person; one in ten calls the police.
      if (resident.index % 5 === 0) {
        await rentals.add({ FWBH: `FW${String(resident.index).padStart(10, '0')}`, FWDZ: resident.home.full_text, FZSFZH: resident.idNumber, FZXM: resident.name, CZYT: random.pick(['1', '2']), ZLRS: String(random.int(1, 4)), GXSJ: localTime.dashed(at) });
      }
      if (resident.index % 50 === 7) {
        await keyPersons.add({ ZDRYBH: `ZD${String(resident.index).padStart(10, '0')}`, GMSFHM: resident.idNumber, XM: resident.name, ZDRYLB: random.pick(['01', '02', '03']), LGSJ: localTime.dashed(at), GXSJ: localTime.dashed(at) });
      }
      if (resident.index % 10 === 3) {
        const kind = random.pick(Object.keys(INCIDENT_TEXT));
        const reported = at + random.int(0, YEAR_MS / 1000) * 1000;
        await incidents.add({
          JQBH: `JQ${String(resident.index).padStart(10, '0')}`, JQLB: kind, JQNR: INCIDENT_TEXT[kind], FADZ: resident.home.full_text.replace(/^江苏省南京市/, ''),
          BJRSFZH: resident.idNumber, BJSJ: localTime.dashed(reported), CJSJ: localTime.dashed(reported + random.int(60, 900) * 1000),
          DDSJ: localTime.dashed(reported + random.int(900, 1800) * 1000), JASJ: localTime.dashed(reported + random.int(3600, 86_400) * 1000), GXSJ: localTime.dashed(reported),
        });
      }
    }
    for (const writer of [population, rentals, keyPersons, incidents]) await writer.flush();
    return {
      rows: { T_RK_RKXX: population.written, T_FW_CZFW: rentals.written, T_ZDRY: keyPersons.written, T_JQ_JQXX: incidents.written },
      defects: { T_RK_RKXX: defects },
      deleted: { T_RK_RKXX: cancelled },
    };
  },
};

function populationRow(resident: DemoResident, random: SeededRandom): { row: Record<string, string>; defects: Defect[] } {
  const defects: Defect[] = [];
  const roll = random.next();
  // Defects, a few per cent each (docs/design.md §4.1).
  let idNumber = resident.idNumber;
  if (roll < 0.02) {
    idNumber = spoilCheckDigit(resident.idNumber);
    defects.push('checkDigit');
  } else if (roll < 0.03) {
    idNumber = resident.idNumber.slice(0, 6) + resident.idNumber.slice(8, 17);
    defects.push('fifteenDigit');
  } else if (resident.idNumber.endsWith('X') && random.chance(0.5)) {
    idNumber = resident.idNumber.slice(0, 17) + 'x';
    defects.push('lowercaseX');
  }
  const home = resident.home;
  const unresolvable = random.chance(0.02);
  if (unresolvable) defects.push('unresolvableAddress');
  // A road that is not in the registry: the door's own road with a prefix (community names can contain road names).
  const door = `${home.road}${home.road_number}号`;
  const residence = unresolvable ? home.full_text.replace(door, `东${door}`) : policeStyle(home.full_text, random);
  const registered = localTime.dashed(Date.UTC(2015 + (resident.index % 8), 0, 1) + (resident.index % 360) * 86_400_000 + (resident.index % 86_400) * 1000);
  const row = {
    RYBH: `R${home.division_code.slice(0, 6)}${String(resident.index).padStart(10, '0')}`,
    GMSFHM: idNumber,
    XM: resident.name,
    XBDM: resident.gender === 'MALE' ? '1' : '2',
    CSRQ: resident.birthDate,
    MZDM: random.chance(0.95) ? '01' : random.pick(['02', '03', '05', '06', '08', '10', '11']),
    LXDH: resident.phone,
    HJDZ: resident.floating ? '安徽省合肥市庐阳区' : home.full_text,
    JZDZ: residence,
    RKLXDM: resident.floating ? '2' : '1',
    DJSJ: registered,
    GXSJ: registered,
    ZXBZ: random.chance(0.01) ? '1' : '0',
  };
  return { row, defects };
}

/** Police clerks write the whole address, sometimes without province and city, sometimes with spaces. */
function policeStyle(fullText: string, random: SeededRandom): string {
  if (random.chance(0.3)) return fullText.replace(/^江苏省南京市/, '');
  if (random.chance(0.1)) return fullText.replace(/(街道|社区)/g, '$1 ');
  return fullText;
}

function spoilCheckDigit(idNumber: string): string {
  const last = idNumber[17];
  return idNumber.slice(0, 17) + (last === '0' ? '1' : last === 'X' ? '0' : String((Number(last) + 1) % 10));
}
