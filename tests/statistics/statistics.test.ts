import { sql } from 'kysely';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { AddressResolver } from '../../src/address/address-resolver.js';
import { syncSource } from '../../src/sync/sync-source.js';
import { type DemoWorld, startDemoWorld } from '../support/demo-world.js';

/**
 * Every statistic against figures computed here, independently: the event rows
 * read with plain SQL from each demo source in its native schema (columns and
 * code tables written out below), their places from the hub's crosswalk and
 * registry, durations and percentiles computed in the test.
 */

type Stage = 'REPORTED' | 'REGISTERED' | 'DISPATCHED' | 'HANDLED' | 'VERIFIED' | 'CLOSED';

interface EventTable {
  source: string;
  table: string;
  id: string;
  kind: string;
  category: string;
  codes: Record<string, string>;
  stages: Partial<Record<Stage, string>>;
  compact: boolean;
  rateKind?: 'INCIDENT' | 'DISPUTE';
  limits?: Record<string, number>;
}

const EVENT_TABLES: EventTable[] = [
  {
    source: 'police', table: 'T_JQ_JQXX', id: 'JQBH', kind: 'policeIncident', category: 'JQLB', compact: false, rateKind: 'INCIDENT',
    codes: { '01': '纠纷', '02': '盗窃', '03': '噪音扰民', '04': '家庭纠纷', '05': '求助' },
    stages: { REPORTED: 'BJSJ', DISPATCHED: 'CJSJ', HANDLED: 'DDSJ', CLOSED: 'JASJ' },
  },
  {
    source: 'governance', table: 'ZZ_SJ', id: 'SJBH', kind: 'gridEvent', category: 'SJLB', compact: false,
    codes: { '01': '环境卫生', '02': '治安隐患', '03': '安全生产', '04': '民生服务', '05': '矛盾纠纷' },
    stages: { REPORTED: 'SBSJ', REGISTERED: 'SLSJ', DISPATCHED: 'PQSJ', HANDLED: 'CZSJ', VERIFIED: 'HCSJ', CLOSED: 'JASJ' },
    limits: { 环境卫生: 72, 治安隐患: 24, 安全生产: 24, 民生服务: 120, 矛盾纠纷: 168 },
  },
  {
    source: 'governance', table: 'ZZ_MDJF', id: 'JFBH', kind: 'dispute', category: 'JFLX', compact: false, rateKind: 'DISPUTE',
    codes: { '01': '邻里纠纷', '02': '婚姻家庭纠纷', '03': '物业纠纷', '04': '劳动争议' },
    stages: { REPORTED: 'SBSJ', REGISTERED: 'SLSJ', CLOSED: 'JASJ' },
    limits: { 邻里纠纷: 336, 婚姻家庭纠纷: 336, 物业纠纷: 336, 劳动争议: 720 },
  },
  {
    source: 'city-management', table: 'CG_AJXX', id: 'AJBH', kind: 'cityManagementCase', category: 'XLDM', compact: true,
    codes: { '0101': '暴露垃圾', '0102': '乱堆物料', '0201': '井盖破损', '0202': '路灯不亮', '0301': '占道经营', '0302': '非法小广告' },
    stages: { REPORTED: 'SBSJ', REGISTERED: 'LASJ', DISPATCHED: 'PQSJ', HANDLED: 'CZSJ', VERIFIED: 'HCSJ', CLOSED: 'JASJ' },
    limits: { 暴露垃圾: 4, 乱堆物料: 24, 井盖破损: 2, 路灯不亮: 48, 占道经营: 2, 非法小广告: 24 },
  },
  {
    source: 'city-management', table: 'CG_ZFAJ', id: 'ZFBH', kind: 'enforcementCase', category: 'AY', compact: true,
    codes: { '01': '占道经营', '02': '违规设置户外广告', '03': '违规倾倒垃圾' },
    stages: { REGISTERED: 'LASJ', CLOSED: 'JASJ' },
    limits: { 占道经营: 2, 违规设置户外广告: 720, 违规倾倒垃圾: 720 },
  },
  {
    source: 'market-regulation', table: 'JC_JCJL', id: 'JCBH', kind: 'marketInspection', category: 'JCLX', compact: true,
    codes: { '01': '食品安全检查', '02': '价格检查', '03': '特种设备检查' },
    stages: { REPORTED: 'JCSJ', CLOSED: 'JASJ' },
  },
];

const STAGES: Stage[] = ['REPORTED', 'REGISTERED', 'DISPATCHED', 'HANDLED', 'VERIFIED', 'CLOSED'];
const MIN_COUNT = 5;
const MIN_RESIDENTS = 100;

interface Fact {
  department: string;
  kind: string;
  category: string;
  rateKind?: string;
  limitHours?: number;
  grid: string | null;
  community: string;
  month: string;
  stages: { stage: Stage; at: number }[];
}

/** A local time (+08:00) written `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss`, as epoch ms with its month; null when it is not a real time. */
function localTime(text: unknown, compact: boolean): { at: number; month: string } | null {
  if (typeof text !== 'string') return null;
  const m = (compact ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/ : /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/).exec(text.trim());
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  return { at: utc - 8 * 3600_000, month: `${m[1]}-${m[2]}` };
}

async function readFacts(world: DemoWorld): Promise<Fact[]> {
  const facts: Fact[] = [];
  for (const t of EVENT_TABLES) {
    const source = world.sources.find((s) => s.connector.name === t.source)!;
    const columns = [t.id, t.category, ...Object.values(t.stages)].map((c) => `"${c}"`).join(', ');
    const { rows } = await sql.raw<Record<string, string | null>>(`select ${columns} from "${t.table}"`).execute(source.db);
    const { rows: places } = await sql<{ record_id: string; grid_code: string | null; division_code: string }>`
      select c.record_id, a.grid_code, a.division_code from crosswalk c join standard_address a on a.code = c.address_code
      where c.source = ${t.source} and c.source_table = ${t.table} and not c.deleted and c.entity_key is not null`.execute(world.hub.db);
    const placeOf = new Map(places.map((p) => [p.record_id, p]));
    for (const row of rows) {
      const place = placeOf.get(String(row[t.id]).trim());
      if (place === undefined) continue;
      const stages = STAGES.flatMap((stage) => {
        const time = t.stages[stage] === undefined ? null : localTime(row[t.stages[stage]!], t.compact);
        return time === null ? [] : [{ stage, at: time.at, month: time.month }];
      });
      if (stages.length === 0) continue;
      const category = t.codes[String(row[t.category] ?? '').trim()] ?? '(uncategorised)';
      facts.push({
        department: t.source, kind: t.kind, category, rateKind: t.rateKind, limitHours: t.limits?.[category],
        grid: place.grid_code, community: place.division_code, month: stages[0].month, stages,
      });
    }
  }
  return facts;
}

interface Counts { reported: number; closed: number; open: number; overdue: number }

function countsOf(facts: Fact[], now: number): Counts {
  const closedAt = (f: Fact) => f.stages.find((s) => s.stage === 'CLOSED')?.at;
  const closed = facts.filter((f) => closedAt(f) !== undefined).length;
  const overdue = facts.filter((f) => f.limitHours !== undefined && (closedAt(f) ?? now) > f.stages[0].at + f.limitHours * 3600_000).length;
  return { reported: facts.length, closed, open: facts.length - closed, overdue };
}

/** The suppression rules of README § Statistics, written out again. */
function suppressed(c: Counts): Record<keyof Counts, number | null> {
  const small = (n: number) => n > 0 && n < MIN_COUNT;
  const complements = small(c.closed) || small(c.open);
  return { reported: small(c.reported) ? null : c.reported, closed: complements ? null : c.closed, open: complements ? null : c.open, overdue: small(c.overdue) ? null : c.overdue };
}

function breakdown(facts: Fact[], key: (f: Fact) => string, now: number) {
  const names = [...new Set(facts.map(key))].sort();
  const raw = names.map((name) => countsOf(facts.filter((f) => key(f) === name), now));
  const shown = raw.map(suppressed);
  for (const figure of ['reported', 'closed', 'open', 'overdue'] as const) {
    if (shown.filter((s) => s[figure] === null).length !== 1) continue;
    const candidates = shown.map((s, i) => i).filter((i) => shown[i][figure] !== null && raw[i][figure] > 0);
    if (candidates.length === 0) continue;
    const smallest = candidates.reduce((a, b) => (raw[b][figure] < raw[a][figure] ? b : a));
    shown[smallest][figure] = null;
  }
  return names.map((group, i) => ({ group, counts: shown[i] }));
}

/** percentile_disc: the smallest value whose cumulative share reaches p. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function durationOf(seconds: number[], from: Stage, to: Stage) {
  const sorted = [...seconds].sort((a, b) => a - b);
  const shown = sorted.length >= MIN_COUNT;
  return { from, to, count: sorted.length === 0 ? 0 : shown ? sorted.length : null, medianSeconds: shown ? percentile(sorted, 0.5) : null, p90Seconds: shown ? percentile(sorted, 0.9) : null };
}

function durations(facts: Fact[]) {
  const pairs = new Map<string, number[]>();
  for (const f of facts) {
    f.stages.slice(1).forEach((s, i) => {
      const key = `${f.stages[i].stage}>${s.stage}`;
      pairs.set(key, [...(pairs.get(key) ?? []), Math.round((s.at - f.stages[i].at) / 1000)]);
    });
  }
  const order = (key: string) => key.split('>').map((s) => STAGES.indexOf(s as Stage));
  const keys = [...pairs.keys()].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  const stageDurations = keys.map((key) => durationOf(pairs.get(key)!, ...(key.split('>') as [Stage, Stage])));
  const toClose = facts.flatMap((f) => {
    const close = f.stages.find((s) => s.stage === 'CLOSED');
    return close !== undefined && f.stages[0].stage !== 'CLOSED' ? [Math.round((close.at - f.stages[0].at) / 1000)] : [];
  });
  return { stageDurations, reportToClose: durationOf(toClose, 'REPORTED', 'CLOSED') };
}

async function residentsOf(world: DemoWorld, inArea: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(distinct c.entity_key)::int as n from crosswalk c join standard_address a on a.code = c.address_code
    where c.entity_kind = 'PERSON' and not c.deleted and c.entity_key is not null and ${sql.raw(inArea)}`.execute(world.hub.db);
  return rows[0].n;
}

function expectedStatistics(facts: Fact[], month: string, areaCode: string, residents: number, now: number) {
  const inMonth = facts.filter((f) => f.month === month);
  const rate = (kind: string) => {
    const n = inMonth.filter((f) => f.rateKind === kind).length;
    return residents < MIN_RESIDENTS || (n > 0 && n < MIN_COUNT) ? null : Math.round((n * 1000 * 100) / residents) / 100;
  };
  return {
    period: month,
    areaCode,
    residents: residents < MIN_RESIDENTS ? null : residents,
    events: suppressed(countsOf(inMonth, now)),
    byDepartment: breakdown(inMonth, (f) => f.department, now),
    byKind: breakdown(inMonth, (f) => f.kind, now),
    byCategory: breakdown(inMonth, (f) => f.category, now),
    ...durations(inMonth),
    incidentsPer1000: rate('INCIDENT'),
    disputesPer1000: rate('DISPUTE'),
  };
}

const COUNTS = 'reported closed open overdue';
const DURATION = 'from to count medianSeconds p90Seconds';
const STATISTICS = `period areaCode residents events { ${COUNTS} }
  byDepartment { group counts { ${COUNTS} } } byKind { group counts { ${COUNTS} } } byCategory { group counts { ${COUNTS} } }
  stageDurations { ${DURATION} } reportToClose { ${DURATION} } incidentsPer1000 disputesPer1000`;

const DISTRICT = '320102';
const STREET = '320102002';
const OTHER_STREET = '320102003';
const COMMAND = { as: { roles: ['district-command' as const], districts: [DISTRICT] } };
const STREET_STAFF = { as: { roles: ['street-staff' as const], streets: [STREET] } };

let world: DemoWorld;
let facts: Fact[];

beforeAll(async () => {
  world = await startDemoWorld(0.3);
  facts = await readFacts(world);
}, 600_000);

afterAll(async () => {
  await world?.close();
});

describe('statistics against figures computed from the sources', () => {
  test('a district: two months, every figure', async () => {
    const response = await world.t.query(`{ region(code: "${DISTRICT}") { statistics(from: "2023-01", to: "2023-02") { ${STATISTICS} } } }`, {}, COMMAND);
    const now = Date.now();
    expect(response.errors).toBeUndefined();
    const residents = await residentsOf(world, `left(a.division_code, 6) = '${DISTRICT}'`);
    const mine = facts.filter((f) => f.community.startsWith(DISTRICT));
    expect(mine.filter((f) => f.month === '2023-01').length).toBeGreaterThan(50);
    expect(response.data.region.statistics).toEqual([
      expectedStatistics(mine, '2023-01', DISTRICT, residents, now),
      expectedStatistics(mine, '2023-02', DISTRICT, residents, now),
    ]);
  });

  test('a street, a community and a grid, with small counts suppressed', async () => {
    const { rows } = await sql<{ code: string; community_code: string }>`
      select g.code, g.community_code from grid g where left(g.community_code, 9) = ${STREET} order by g.code limit 1`.execute(world.hub.db);
    const grid = rows[0];
    const community = grid.community_code;
    const response = await world.t.query(
      `{ street: region(code: "${STREET}") { statistics(from: "2023-01", to: "2023-01") { ${STATISTICS} } }
         community: region(code: "${community}") { statistics(from: "2023-01", to: "2023-01") { ${STATISTICS} } }
         grid(code: "${grid.code}") { statistics(from: "2023-01", to: "2023-01") { ${STATISTICS} } } }`,
      {},
      STREET_STAFF,
    );
    const now = Date.now();
    expect(response.errors).toBeUndefined();
    const streetFacts = facts.filter((f) => f.community.startsWith(STREET));
    expect(response.data.street.statistics).toEqual([
      expectedStatistics(streetFacts, '2023-01', STREET, await residentsOf(world, `left(a.division_code, 9) = '${STREET}'`), now),
    ]);
    expect(response.data.community.statistics).toEqual([
      expectedStatistics(facts.filter((f) => f.community === community), '2023-01', community, await residentsOf(world, `a.division_code = '${community}'`), now),
    ]);
    const gridFacts = facts.filter((f) => f.grid === grid.code);
    const gridResidents = await residentsOf(world, `a.grid_code = '${grid.code}'`);
    expect(response.data.grid.statistics).toEqual([expectedStatistics(gridFacts, '2023-01', grid.code, gridResidents, now)]);
    // The smaller the area, the more is withheld: somewhere in these answers a count is null.
    expect(JSON.stringify([response.data.community, response.data.grid])).toMatch(/"(reported|closed|open|overdue|count)":null/);
  });

  test('a small count is withheld and zero is shown', async () => {
    const months = [...new Set(facts.map((f) => f.month))].sort();
    // A grid-month with 1 to 4 events: its counts must all be null.
    const byGridMonth = new Map<string, Fact[]>();
    for (const f of facts) if (f.grid !== null && f.community.startsWith(DISTRICT)) byGridMonth.set(`${f.grid}|${f.month}`, [...(byGridMonth.get(`${f.grid}|${f.month}`) ?? []), f]);
    const [key] = [...byGridMonth].find(([, list]) => list.length > 0 && list.length < MIN_COUNT)!;
    const [gridCode, month] = key.split('|');
    const response = await world.t.query(`{ grid(code: "${gridCode}") { statistics(from: "${month}", to: "${month}") { events { ${COUNTS} } reportToClose { count medianSeconds } } } }`, {}, COMMAND);
    expect(response.data.grid.statistics[0].events.reported).toBeNull();
    expect(response.data.grid.statistics[0].reportToClose.medianSeconds).toBeNull();
    expect(months.length).toBeGreaterThan(1);
    const empty = await world.t.query(`{ grid(code: "${gridCode}") { statistics(from: "1999-01", to: "1999-01") { events { ${COUNTS} } } } }`, {}, COMMAND);
    expect(empty.data.grid.statistics[0].events).toEqual({ reported: 0, closed: 0, open: 0, overdue: 0 });
  });
});

describe('scope', () => {
  test('statistics only for areas inside the caller\'s own', async () => {
    const response = await world.t.query(
      `{ district: region(code: "${DISTRICT}") { statistics(from: "2023-01", to: "2023-01") { period } stabilityIndex(month: "2023-01") { value } }
         own: region(code: "${STREET}") { statistics(from: "2023-01", to: "2023-01") { period } stabilityIndex(month: "2023-01") { value } }
         other: region(code: "320102003") { statistics(from: "2023-01", to: "2023-01") { period } stabilityIndex(month: "2023-01") { value } } }`,
      {},
      STREET_STAFF,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data.district).toEqual({ statistics: null, stabilityIndex: null });
    expect(response.data.own.statistics).toEqual([{ period: '2023-01' }]);
    expect(response.data.own.stabilityIndex.value).toEqual(expect.any(Number));
    expect(response.data.other).toEqual({ statistics: null, stabilityIndex: null });
  });

  test('a grid worker sees its grid, not its community; a data steward sees none', async () => {
    const { rows } = await sql<{ code: string; community_code: string }>`select code, community_code from grid where left(community_code, 6) = ${DISTRICT} order by code limit 1`.execute(world.hub.db);
    const worker = { as: { roles: ['grid-worker' as const], grids: [rows[0].code] } };
    const response = await world.t.query(
      `{ grid(code: "${rows[0].code}") { statistics(from: "2023-01", to: "2023-01") { period } }
         region(code: "${rows[0].community_code}") { statistics(from: "2023-01", to: "2023-01") { period } } }`,
      {},
      worker,
    );
    expect(response.data.grid.statistics).toEqual([{ period: '2023-01' }]);
    expect(response.data.region.statistics).toBeNull();
    const steward = await world.t.query(`{ region(code: "${DISTRICT}") { statistics(from: "2023-01", to: "2023-01") { period } } }`, {}, { as: { roles: ['data-steward'], districts: [DISTRICT] } });
    expect(steward.data.region.statistics).toBeNull();
    expect(steward.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('a malformed or too long range is BAD_USER_INPUT', async () => {
    const response = await world.t.query(`{ a: region(code: "${DISTRICT}") { statistics(from: "2023-13", to: "2023-01") { period } } b: region(code: "${DISTRICT}") { statistics(from: "2020-01", to: "2023-12") { period } } }`, {}, COMMAND);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });
});

describe('stability index', () => {
  test('each component from the month\'s own figures, weighted as documented', async () => {
    const response = await world.t.query(
      `{ region(code: "${DISTRICT}") { stabilityIndex(month: "2023-01") { areaCode month value components { name value reference score weight contribution } } } }`,
      {},
      COMMAND,
    );
    const now = Date.now();
    expect(response.errors).toBeUndefined();
    const inMonth = facts.filter((f) => f.community.startsWith(DISTRICT) && f.month === '2023-01');
    const residents = await residentsOf(world, `left(a.division_code, 6) = '${DISTRICT}'`);
    const counts = countsOf(inMonth, now);
    const r2 = (n: number) => Math.round(n * 100) / 100;
    const component = (name: string, value: number, reference: number, weight: number) => {
      const score = r2(100 * Math.max(0, 1 - value / reference));
      return { name, value: Math.round(value * 10_000) / 10_000, reference, score, weight, contribution: r2(weight * score) };
    };
    const components = [
      component('INCIDENT_RATE', (inMonth.filter((f) => f.rateKind === 'INCIDENT').length * 1000) / residents, 40, 0.3),
      component('DISPUTE_RATE', (inMonth.filter((f) => f.rateKind === 'DISPUTE').length * 1000) / residents, 20, 0.3),
      component('UNRESOLVED_SHARE', counts.open / counts.reported, 1, 0.2),
      component('OVERDUE_SHARE', counts.overdue / counts.reported, 1, 0.2),
    ];
    expect(response.data.region.stabilityIndex).toEqual({
      areaCode: DISTRICT,
      month: '2023-01',
      value: r2(components.reduce((sum, c) => sum + c.contribution, 0)),
      components,
    });
  });

  test('only streets and districts have one', async () => {
    const response = await world.t.query(`{ region(code: "${STREET}001") { stabilityIndex(month: "2023-01") { value } } }`, {}, COMMAND);
    expect(response.errors).toBeUndefined();
    expect(response.data.region === null || response.data.region.stabilityIndex === null).toBe(true);
  });
});

describe('live feed', () => {
  /** Now in the sources' local time (+08:00), written `yyyy-MM-dd HH:mm:ss`. */
  const localNow = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

  function subscriber(authorization: string | undefined) {
    const received: any[] = [];
    let failure: unknown;
    const client = createClient({
      url: world.t.server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: authorization === undefined ? {} : { authorization },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: (event) => (failure ??= event),
      on: { closed: (event) => (failure ??= event) },
    });
    const stop = client.subscribe(
      { query: 'subscription { eventChanged { change stage noticedAt event { key category address { code } } } }' },
      { next: (message) => received.push(message), error: (error) => (failure ??= error), complete: () => {} },
    );
    return { received, failure: () => failure, close: async () => { stop(); await client.dispose(); } };
  }

  async function until<T>(what: () => T | undefined, label: string): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const value = what();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`waited in vain for ${label}`);
  }

  test('an event inserted into a source and synced reaches a subscriber of its area, not one of another', async () => {
    const police = world.sources.find((s) => s.connector.name === 'police')!;
    const { rows: places } = await sql<{ street: string; full_text: string }>`
      select distinct on (left(division_code, 9)) left(division_code, 9) as street, full_text from standard_address
      where level = 'ROOM' and left(division_code, 9) in (${STREET}, ${OTHER_STREET}) order by left(division_code, 9), code`.execute(world.hub.db);
    const textIn = (street: string) => places.find((p) => p.street === street)!.full_text;
    const mine = subscriber((await world.t.headersFor(STREET_STAFF)).authorization);
    const other = subscriber((await world.t.headersFor({ as: { roles: ['street-staff'], streets: [OTHER_STREET] } })).authorization);
    const anonymous = subscriber(undefined);
    try {
      // The subscriptions are set up server-side before anything is inserted: there is no acknowledgement per subscription to wait for.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const insert = (id: string, address: string) => sql`
        insert into "T_JQ_JQXX" ("JQBH", "JQLB", "JQNR", "FADZ", "BJSJ", "GXSJ") values (${id}, '02', '盗窃', ${address}, ${localNow()}, ${localNow()})`.execute(police.db);
      await insert('JQFEED000001', textIn(OTHER_STREET));
      await insert('JQFEED000002', textIn(STREET));
      const inserted = Date.now();
      await syncSource(world.hub.db, police, new AddressResolver(world.hub.db));
      const created = await until(() => mine.received.find((m) => m.data?.eventChanged.event?.key === 'police:JQFEED000002'), 'the new incident');
      console.log(`feed delay, source insert → subscriber (manual sync): ${Date.now() - inserted} ms`);
      expect(created.data.eventChanged).toMatchObject({ change: 'CREATED', stage: null, event: { key: 'police:JQFEED000002', category: '盗窃' } });
      // The other street's incident was logged first: had it been sent, it would have come first.
      expect(mine.received.map((m) => m.data?.eventChanged.event?.key)).not.toContain('police:JQFEED000001');
      const theirs = await until(() => other.received.find((m) => m.data?.eventChanged.event?.key === 'police:JQFEED000001'), 'the other street\'s incident');
      expect(theirs.data.eventChanged.change).toBe('CREATED');

      await sql`update "T_JQ_JQXX" set "JASJ" = ${localNow()}, "GXSJ" = ${localNow()} where "JQBH" = 'JQFEED000002'`.execute(police.db);
      await syncSource(world.hub.db, police, new AddressResolver(world.hub.db));
      const closed = await until(() => mine.received.find((m) => m.data?.eventChanged.change === 'CLOSED'), 'the closure');
      expect(closed.data.eventChanged).toMatchObject({ change: 'CLOSED', stage: 'CLOSED', event: { key: 'police:JQFEED000002' } });
      expect(anonymous.received).toEqual([]);
      expect(anonymous.failure()).toMatchObject({ code: 4403 });
    } finally {
      await mine.close();
      await other.close();
      await anonymous.close();
    }
  });

  test('a query sent over the WebSocket is refused: only subscriptions run there', async () => {
    const headers = await world.t.headersFor(COMMAND);
    const client = createClient({ url: world.t.server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: headers.authorization }, retryAttempts: 0 });
    try {
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `{ region(code: "${DISTRICT}") { name } }` }, { next: resolve, error: resolve, complete: () => resolve('complete') });
      });
      expect(JSON.stringify(outcome)).toContain('only subscriptions');
    } finally {
      await client.dispose();
    }
  });
});

describe('resident counts', () => {
  test('follow a sync that removes residents, counted again when the sync ends', async () => {
    const police = world.sources.find((s) => s.connector.name === 'police')!;
    const districtResidents = async () => {
      const response = await world.t.query(`{ region(code: "${DISTRICT}") { statistics(from: "2023-01", to: "2023-01") { residents } } }`, {}, COMMAND);
      expect(response.errors).toBeUndefined();
      return response.data.region.statistics[0].residents as number;
    };
    const before = await districtResidents();
    expect(before).toBe(await residentsOf(world, `left(a.division_code, 6) = '${DISTRICT}'`));
    // The police registrations of one grid's residents go from the source.
    const { rows: gone } = await sql<{ record_id: string }>`
      select c.record_id from crosswalk c join standard_address a on a.code = c.address_code
      where c.source = 'police' and c.source_table = 'T_RK_RKXX' and not c.deleted
        and a.grid_code = (select grid_code from standard_address where grid_code is not null and left(division_code, 6) = ${DISTRICT} order by grid_code limit 1)`.execute(world.hub.db);
    expect(gone.length).toBeGreaterThan(0);
    await sql`delete from "T_RK_RKXX" where "RYBH" in (${sql.join(gone.map((g) => g.record_id))})`.execute(police.db);
    await syncSource(world.hub.db, police, new AddressResolver(world.hub.db));
    const after = await districtResidents();
    expect(after).toBe(await residentsOf(world, `left(a.division_code, 6) = '${DISTRICT}'`));
    expect(after).toBeLessThan(before);
  });
});
