import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { ADDRESS_COLUMNS, GRID_COLUMNS } from '../../src/registry/registry-records.js';
import { cliEnv, runCli, startCliServer } from '../support/cli.js';
import { tempDir, writeCsv } from '../support/csv-files.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

// The CLI runs as a user runs it: a child process, against the embedded default in
// a fresh data folder, or against the throwaway database when TEST_DATABASE_URL is set.
let hub: TestHub | undefined;
let env: NodeJS.ProcessEnv;
const dir = tempDir();
const demo = generateDemoRegistry();

beforeAll(async () => {
  if (process.env.TEST_DATABASE_URL) {
    hub = await createTestHub();
    // The hub on the server; the department sources stay embedded, in a folder of the test's own.
    env = cliEnv({ DATABASE_URL: hub.url, GRIDGRAPH_DEMO: 'on', GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-') });
  } else {
    env = cliEnv({ GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-') });
  }
});
afterAll(async () => {
  await hub?.close();
});

describe(`the gridgraph CLI (${testDatabaseKind})`, () => {
  it('has --help on every command', async () => {
    const top = await runCli(['--help'], env);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/serve[\s\S]*registry[\s\S]*demo/);
    const commands = [['serve'], ['registry'], ['registry', 'import'], ['registry', 'status'], ['demo', 'registry-csv'], ['token'], ['audit', 'verify']];
    const helps = await Promise.all(commands.map((command) => runCli([...command, '--help'], env)));
    commands.forEach((command, i) => {
      expect(helps[i].code, command.join(' ')).toBe(0);
      expect(helps[i].stdout, command.join(' ')).toMatch(/^Usage: gridgraph /);
    });
  });

  it('imports CSV files while `gridgraph serve` runs on the same database, and the server sees them', async () => {
    const server = await startCliServer(env);
    try {
      const status = await runCli(['registry', 'status', '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      const before = JSON.parse(status.stdout);
      expect(before.addresses.DOOR + before.addresses.BUILDING + before.addresses.ROOM).toBe(demo.addresses.length);

      const extra = { ...demo.addresses[0], address_code: 'CLI-DOOR-1', road_number: '1001', door_plate_code: 'CLI-PLATE-1' };
      const grids = writeCsv(dir, 'grids.csv', demo.grids, [...GRID_COLUMNS]);
      const addresses = writeCsv(dir, 'addresses.csv', [...demo.addresses, extra], [...ADDRESS_COLUMNS]);
      const imported = await runCli(['registry', 'import', '--grids', grids, '--addresses', addresses], env);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain(`addresses ${demo.addresses.length + 1} rows: 1 new, 0 changed, ${demo.addresses.length} unchanged`);
      expect(imported.stderr).toMatch(/write addresses\.csv: \d+\/\d+ \(100%\)/);

      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ doorPlate(code: "CLI-PLATE-1") { address { code road roadNumber } } }' }),
      });
      expect(await response.json()).toEqual({ data: { doorPlate: { address: { code: 'CLI-DOOR-1', road: demo.addresses[0].road, roadNumber: '1001' } } } });

      // A token from `gridgraph token` opens the rest of the graph on the running server; without one, 401.
      const query = JSON.stringify({ query: '{ address(code: "CLI-DOOR-1") { code } }' });
      const anonymous = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const token = await runCli(['token', '--role', 'street-staff', '--street', demo.addresses[0].division_code.slice(0, 9), '--ttl', '5m'], env);
      expect(token.code, token.stderr).toBe(0);
      const authorized = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` }, body: query });
      expect(await authorized.json()).toEqual({ data: { address: { code: 'CLI-DOOR-1' } } });
    } finally {
      await server.stop();
    }
  });

  it('rejects a bad file with exit code 2, each bad row by file and line, and changes nothing', async () => {
    const bad = demo.addresses.slice(0, 40).map((a) => ({ ...a }));
    bad[3].division_code = 'x';
    bad[9].longitude = 'east';
    const file = writeCsv(dir, 'bad.csv', bad, [...ADDRESS_COLUMNS]);
    const grids = writeCsv(dir, 'grids.csv', demo.grids, [...GRID_COLUMNS]);
    const before = await runCli(['registry', 'status', '--json'], env);
    const result = await runCli(['registry', 'import', '--grids', grids, '--addresses', file], env);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr, result.stderr).toContain('registry import rejected, nothing was changed: 2 problem(s) in 2 row(s)');
    expect(result.stderr).toContain('bad.csv:5: division_code "x" is not a 12-digit community code');
    expect(result.stderr).toContain('bad.csv:11: longitude "east" is not a number from -180 to 180');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace for an expected failure
    const after = await runCli(['registry', 'status', '--json'], env);
    expect(after.stdout).toBe(before.stdout);
  });

  it('mints development tokens for the listed roles only, and verifies the audit chain', async () => {
    const help = await runCli(['token', '--help'], env);
    expect(help.stdout).toMatch(/grid-worker[\s\S]*dept-police[\s\S]*data-steward[\s\S]*auditor/);
    const bad = await runCli(['token', '--role', 'superuser'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown role superuser');
    const ttl = await runCli(['token', '--role', 'auditor', '--ttl', 'forever'], env);
    expect(ttl.code).not.toBe(0);
    expect(ttl.stderr).toContain('90s, 15m, 1h or 7d');
    const wide = await runCli(['token', '--role', 'community-staff', '--community', '320102'], env);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('claim community_code');
    expect(wide.stdout).toBe('');
    const verify = await runCli(['audit', 'verify', '--json'], env);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ intact: true, firstBrokenSequence: null });
  });

  it('syncs the other sources when one is down, names it and the tables it skipped, and exits 3', async () => {
    // The demo sources exist once `gridgraph serve` has run above; the police one now points where nothing listens.
    const result = await runCli(['sync', 'governance', 'police', '--parallel', '1'], { ...env, GRIDGRAPH_SOURCE_POLICE_URL: 'postgres://postgres@127.0.0.1:1/police' });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('gridgraph: source police failed at T_RK_RKXX: source unreachable (ECONNREFUSED); not synced: T_RK_RKXX, T_FW_CZFW, T_ZDRY, T_JQ_JQXX');
    expect(result.stdout).toMatch(/^governance\.ZZ_WGY: incremental sync/m);
    expect(result.stderr).not.toContain('127.0.0.1');
  });

  it('says which variable is wrong', async () => {
    const result = await runCli(['registry', 'status'], { ...env, DATABASE_POOL_SIZE: 'lots' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('gridgraph: DATABASE_POOL_SIZE: expected a whole number from 1 to 1000, got "lots"');
  });

  it('writes the demo registry as CSV files that import cleanly (dry run)', async () => {
    const out = tempDir('gridgraph-demo-');
    const written = await runCli(['demo', 'registry-csv', '--out', out], env);
    expect(written.stdout).toContain(`wrote ${demo.grids.length} grids and ${demo.addresses.length} addresses`);
    const dry = await runCli(['registry', 'import', '--dry-run', '--json', '--grids', `${out}/grids.csv`, '--addresses', `${out}/addresses.csv`], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, addresses: { rows: demo.addresses.length, inserted: 0, unchanged: demo.addresses.length } });
  });

  it('prints a rejected import as JSON on stdout with --json, and exits 2', async () => {
    const bad = writeCsv(dir, 'bad-grids.csv', [{ ...demo.grids[0], kind: 'NONSENSE' }], [...GRID_COLUMNS]);
    const result = await runCli(['registry', 'import', '--json', '--grids', bad], env);
    expect(result.code).toBe(2);
    const printed = JSON.parse(result.stdout);
    expect(printed.rejected).toBe(true);
    expect(printed.problems).toEqual([expect.objectContaining({ line: 2, field: 'kind' })]);
  });
});

describe(`gridgraph address resolve (${testDatabaseKind})`, () => {
  it('reads one address per line and writes one JSON object per line', async () => {
    const room = demo.addresses.find((a) => a.room !== '')!;
    const file = `${dir}/texts.txt`;
    const texts = [`${room.district}${room.road}${room.road_number}号${room.building}栋${room.unit}单元${room.room}室`, '', '幸福路12号'];
    (await import('node:fs')).writeFileSync(file, `${texts.join('\n')}\n`);
    const result = await runCli(['address', 'resolve', '--file', file], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { text: texts[0], status: 'MATCHED', code: room.address_code, level: 'ROOM', confidence: 1, candidates: [] },
      { text: '', status: 'UNMATCHED', code: null, level: null, confidence: 0, candidates: [] },
      { text: '幸福路12号', status: 'UNMATCHED', code: null, level: null, confidence: 0, candidates: [] },
    ]);
    const explained = await runCli(['address', 'resolve', '--explain', '--file', file], env);
    expect(JSON.parse(explained.stdout.split('\n')[2])).toMatchObject({ reason: 'names a place the registry does not have: 幸福路12号' });
  });
});

describe(`gridgraph demo generate, sync and quality over an imported registry (${testDatabaseKind})`, () => {
  it('places the demo sources on the imported district, syncs them and reports quality', async () => {
    const { QINHUAI } = await import('../../src/demo/districts.js');
    const own = cliEnv({ GRIDGRAPH_DATA_DIR: tempDir('gridgraph-own-'), GRIDGRAPH_DEMO: 'off' });
    const registry = generateDemoRegistry({ districts: [QINHUAI] });
    const imported = await runCli([
      'registry', 'import',
      '--grids', writeCsv(dir, 'qinhuai-grids.csv', registry.grids, [...GRID_COLUMNS]),
      '--addresses', writeCsv(dir, 'qinhuai-addresses.csv', registry.addresses, [...ADDRESS_COLUMNS]),
    ], own);
    expect(imported.code, imported.stderr).toBe(0);

    const generated = await runCli(['demo', 'generate', 'police', '--scale', '0.2'], own);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/^police: T_RK_RKXX \d+ rows/m);
    const synced = await runCli(['sync', 'police'], own);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/^police\.T_RK_RKXX: full sync, \d+ rows read, 0 re-read, 0 found deleted/m);
    const again = await runCli(['sync', 'police'], own);
    expect(again.stdout).toMatch(/^police\.T_RK_RKXX: incremental sync, 0 rows read/m);

    const quality = await runCli(['quality', '--json'], own);
    const { tables } = JSON.parse(quality.stdout) as { tables: { table: string; records: number; matched: number }[] };
    const population = tables.find((t) => t.table === 'T_RK_RKXX')!;
    expect(population.matched).toBeGreaterThan(population.records * 0.9);
    const status = await runCli(['registry', 'status', '--json'], own);
    expect(JSON.parse(status.stdout).addresses.ROOM).toBe(registry.addresses.filter((a) => a.room !== '').length);

    const unknown = await runCli(['sync', 'tax-bureau'], own);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown source(s): tax-bureau; the sources are police, civil-affairs, governance, city-management, market-regulation');
  });
});
