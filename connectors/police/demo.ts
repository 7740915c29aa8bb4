import { type Kysely, sql } from 'kysely';
import type { DemoSource } from '../../src/connectors/connector.js';
import { type DemoResident, demoResidents } from '../../src/demo/demo-population.js';
import { SeededRandom } from '../../src/demo/random.js';

const BATCH = 5_000;
const COLUMNS = ['RYBH', 'GMSFHM', 'XM', 'XBDM', 'CSRQ', 'MZDM', 'LXDH', 'HJDZ', 'JZDZ', 'RKLXDM', 'DJSJ', 'GXSJ', 'ZXBZ'] as const;
type PoliceRow = Record<(typeof COLUMNS)[number], string>;

/**
 * The police population register as such systems look: upper-case pinyin
 * columns, code tables, addresses as full text, local timestamps — and their
 * defects: failed check digits, 15-digit numbers, lower-case x, addresses that
 * do not resolve, cancelled (注销) records.
 */
export const policeDemo: DemoSource = {
  async createSchema(db) {
    await sql`create table if not exists "T_RK_RKXX" (
      "RYBH" varchar(32) primary key, "GMSFHM" varchar(18), "XM" varchar(50), "XBDM" char(1), "CSRQ" char(8),
      "MZDM" char(2), "LXDH" varchar(20), "HJDZ" varchar(200), "JZDZ" varchar(200), "RKLXDM" char(1),
      "DJSJ" varchar(19), "GXSJ" varchar(19) not null, "ZXBZ" char(1) not null default '0')`.execute(db);
    await sql`create index if not exists "IDX_RKXX_GXSJ" on "T_RK_RKXX" ("GXSJ", "RYBH")`.execute(db);
    await sql`create index if not exists "IDX_RKXX_GMSFHM" on "T_RK_RKXX" ("GMSFHM")`.execute(db);
    await sql`create table if not exists "T_DM_XB" ("DM" char(1) primary key, "MC" varchar(10))`.execute(db);
    await sql`insert into "T_DM_XB" values ('1', '男'), ('2', '女') on conflict do nothing`.execute(db);
    await sql`create table if not exists "T_DM_RKLX" ("DM" char(1) primary key, "MC" varchar(10))`.execute(db);
    await sql`insert into "T_DM_RKLX" values ('1', '户籍人口'), ('2', '流动人口'), ('3', '境外人员') on conflict do nothing`.execute(db);
  },

  async generate(db, places, options) {
    const random = new SeededRandom(options.seed + 1);
    const defects: Record<Defect, number> = { checkDigit: 0, fifteenDigit: 0, lowercaseX: 0, unresolvableAddress: 0 };
    let cancelled = 0;
    let batch: PoliceRow[] = [];
    let written = 0;
    for (const resident of demoResidents(places.rooms, options.scale, options.seed)) {
      const { row, defects: these } = policeRow(resident, random);
      if (row.ZXBZ === '1') cancelled++;
      else for (const defect of these) defects[defect]++;
      batch.push(row);
      if (batch.length === BATCH) {
        written += await insert(db, batch);
        batch = [];
        options.onProgress?.(written);
      }
    }
    if (batch.length > 0) written += await insert(db, batch);
    options.onProgress?.(written);
    return { rows: { T_RK_RKXX: written }, defects: { T_RK_RKXX: defects }, deleted: { T_RK_RKXX: cancelled } };
  },
};

type Defect = 'checkDigit' | 'fifteenDigit' | 'lowercaseX' | 'unresolvableAddress';

function policeRow(resident: DemoResident, random: SeededRandom): { row: PoliceRow; defects: Defect[] } {
  const defects: Defect[] = [];
  const roll = random.next();
  // Defects, a few per cent each (DESIGN §4).
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
  const registered = timestamp(2015 + (resident.index % 8), resident.index);
  const row: PoliceRow = {
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

/** `yyyy-MM-dd HH:mm:ss`, spread over the year by the record's index. */
function timestamp(year: number, index: number): string {
  const date = new Date(Date.UTC(year, 0, 1) + (index % 360) * 86_400_000 + (index % 86_400) * 1000);
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

async function insert(db: Kysely<any>, rows: PoliceRow[]): Promise<number> {
  const arrays = COLUMNS.map((column) => sql`${rows.map((row) => row[column])}::text[]`);
  const names = sql.join(COLUMNS.map((column) => sql.id(column)));
  await sql`insert into "T_RK_RKXX" (${names}) select * from unnest(${sql.join(arrays)})
            on conflict ("RYBH") do nothing`.execute(db);
  return rows.length;
}
