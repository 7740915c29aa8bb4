import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors as allConnectors } from '../../connectors/index.js';
import { verifyAuditChain } from '../../src/audit/audit-log.js';
import { loadDevRealm } from '../../src/auth/dev-realm.js';
import { mintToken } from '../../src/auth/mint-token.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import { cliEnv } from '../support/cli.js';
import { tempDir } from '../support/csv-files.js';
import { openDemoDatabases } from '../support/demo-world.js';
import { spawnServe, type ServeProcess } from '../support/serve-process.js';
import { serverUrl } from '../support/test-database.js';
import type { TestHub } from '../support/test-hub.js';
import { TEST_DISTRICTS } from '../support/test-realm.js';

// Several real `gridgraph serve` processes on one hub database (docs/design.md
// §10, issue 19 part 7), each reached over HTTP as a load balancer would reach
// it, with tokens of the development realm they share through one data folder.
// That topology needs a PostgreSQL hub: on the embedded default one process
// owns the data folder, so the PGlite pass tests the refusal instead.

/** How long start-up may take on a loaded machine: a deadline against hangs. */
const START_MS = 240_000;
/** How long a stopped process may take to exit before it is killed. */
const STOP_MS = 30_000;
/** How long both processes' continuous syncs may take to sync every table twice: a deadline against hangs. */
const SYNC_MS = 400_000;

const ID_NUMBER = /^\d{17}[\dX]$/;

const running: ServeProcess[] = [];

/** One `gridgraph serve` of the test: started, its GraphQL URL known. */
interface Hub {
  readonly process: ServeProcess;
  readonly url: string;
}

async function startServing(env: NodeJS.ProcessEnv): Promise<Hub> {
  const process = spawnServe(env);
  running.push(process);
  const [, url] = await process.waitFor(/serving (http:\/\/\S+)/, START_MS);
  return { process, url: url.replace('localhost', '127.0.0.1') };
}

/** SIGTERM to the process's group, then SIGKILL when it has not exited by the deadline. */
async function stop(hub: Hub): Promise<void> {
  try {
    process.kill(-hub.process.child.pid!, 'SIGTERM');
  } catch {
    return; // gone already
  }
  const deadline = new Promise((resolve) => setTimeout(resolve, STOP_MS).unref());
  await Promise.race([hub.process.exited, deadline]);
  hub.process.killGroup();
}

afterAll(() => {
  for (const process of running.splice(0)) process.killGroup();
});

if (serverUrl() === undefined) {
  describe('several hub processes (PGlite): not applicable — one process owns an embedded data folder, several need a PostgreSQL hub (the PostgreSQL pass runs them)', () => {
    it('a second gridgraph serve on the same embedded data folder is refused, naming DATABASE_URL, while the first serves on', async () => {
      const env = cliEnv({ GRIDGRAPH_DEMO: 'off', GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-'), GRIDGRAPH_SYNC_INTERVAL: '0', METRICS_PORT: 'off', HOST: '127.0.0.1', PORT: '0' });
      const first = await startServing(env);
      const second = spawnServe(env);
      running.push(second);
      const exit = await second.exited;
      expect(exit.code).toBe(2);
      expect(second.output()).toMatch(/GRIDGRAPH_DATA_DIR: another gridgraph process already has the embedded database in .+ open.*several hub processes need a PostgreSQL hub \(DATABASE_URL\)/);
      expect(second.output()).not.toMatch(/serving http/);
      const answer = await fetch(first.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
      await stop(first);
    });
  });
} else {
  describe('several hub processes on one PostgreSQL hub database', () => {
    let hub: TestHub;
    let sources: SourceDatabase[];
    let env: NodeJS.ProcessEnv;
    let token: string;
    let hubs: Hub[] = [];

    beforeAll(async () => {
      ({ hub, sources } = await openDemoDatabases({ connectors: allConnectors, scale: 0.3, synced: true }));
      const dataDir = tempDir('gridgraph-data-');
      // The realm key every process reads from the shared data folder (as a real deployment shares a Keycloak realm).
      const realm = loadDevRealm(dataDir);
      token = await mintToken(realm, { roles: ['dept-police'], districts: TEST_DISTRICTS, subject: 'several-processes' });
      env = cliEnv({
        DATABASE_URL: hub.url,
        ...Object.fromEntries(sources.map((source) => [source.connector.urlVariable, source.connectionUrl])),
        GRIDGRAPH_DEMO: 'off',
        GRIDGRAPH_DATA_DIR: dataDir,
        GRIDGRAPH_SYNC_INTERVAL: '0',
        METRICS_PORT: 'off',
        HOST: '127.0.0.1',
        PORT: '0',
        // Four processes' pools (hub and five sources each) on the test's one server: kept within its max_connections.
        DATABASE_POOL_SIZE: '4',
        // Deadlines against hangs on a loaded machine: four processes and their load share its cores; a slow source is not the subject.
        SOURCE_TIMEOUT_MS: '60000',
        DATABASE_ACQUIRE_TIMEOUT_MS: '60000',
        DATABASE_STATEMENT_TIMEOUT_MS: '60000',
        REQUEST_TIMEOUT_MS: '120000',
      });
      hubs = await Promise.all(Array.from({ length: 4 }, () => startServing(env)));
    });
    afterAll(async () => {
      await Promise.all(hubs.map(stop));
      for (const source of sources ?? []) await source.close();
      await hub?.close();
    });

    async function query(at: Hub, document: string, variables: Record<string, unknown> = {}) {
      const response = await fetch(at.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-access-purpose': 'case 2026-19-7' },
        body: JSON.stringify({ query: document, variables }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: any; errors?: unknown[] };
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data;
    }

    const PAGE = `query Page($after: String) { people(first: 5, after: $after) { edges { cursor node { id idNumber name } } pageInfo { endCursor hasNextPage } } }`;

    it('four processes reading sensitive fields at once append to one unbroken audit chain: one record per person read, none lost', async () => {
      const count = async () =>
        Number((await sql<{ n: string }>`select count(*) as n from audit_log where actor = 'several-processes'`.execute(hub.db)).rows[0].n);
      const before = await count();
      let personsRead = 0;
      // Each process: four requests in flight (their pools on one server fit its 100 connections), ten pages each, walking the list so the records differ.
      await Promise.all(
        hubs.flatMap((at) =>
          Array.from({ length: 4 }, async () => {
            let after: string | null = null;
            for (let page = 0; page < 10; page++) {
              const data = await query(at, PAGE, { after });
              const persons = data.people.edges.map((edge: { node: { idNumber: string } }) => edge.node);
              // Read in full (a department role with a purpose): each such person is one audit record.
              personsRead += persons.filter((person: { idNumber: string }) => ID_NUMBER.test(person.idNumber)).length;
              after = data.people.pageInfo.endCursor;
            }
          }),
        ),
      );
      expect(personsRead).toBe(4 * 4 * 10 * 5);
      expect(await count()).toBe(before + personsRead);
      // Plain SQL, apart from the verifier: sequences without gap or repeat, each record linked to the one before.
      const { rows: [chain] } = await sql<{ n: string; span: string; unlinked: string }>`
        select count(*) as n, max(sequence) - min(sequence) + 1 as span,
          (select count(*) from audit_log a join audit_log b on b.sequence = a.sequence - 1 where a.previous_hash <> b.hash) as unlinked
        from audit_log`.execute(hub.db);
      expect(Number(chain.span)).toBe(Number(chain.n));
      expect(Number(chain.unlinked)).toBe(0);
      expect(await verifyAuditChain(hub.db)).toMatchObject({ intact: true, records: Number(chain.n) });
    });

    it('an id and a cursor from one process resolve on another: the same person, the same next page', async () => {
      const [a, b] = hubs;
      const first = await query(a, PAGE);
      const person = first.people.edges[0].node;
      const onB = await query(b, `query ($id: ID!) { node(id: $id) { id ... on Person { idNumber name } } }`, { id: person.id });
      expect(onB.node).toEqual(person);
      const nextOnA = await query(a, PAGE, { after: first.people.pageInfo.endCursor });
      const nextOnB = await query(b, PAGE, { after: first.people.pageInfo.endCursor });
      expect(nextOnB).toEqual(nextOnA);
      expect(nextOnB.people.edges).toHaveLength(5);
      // The next page starts after the first's last person (ID-number order).
      expect(nextOnB.people.edges[0].node.idNumber > first.people.edges[4].node.idNumber).toBe(true);
      // One secret on the hub database seals them all.
      const { rows } = await sql<{ n: string }>`select count(*) as n from hub_secret where name = 'global-ids'`.execute(hub.db);
      expect(Number(rows[0].n)).toBe(1);
    });

    it("continuous sync on two processes: a table's sync runs in one process at a time, each table read whole once", async () => {
      await Promise.all(hubs.map(stop));
      hubs = [];
      // Every watermark gone: the next sync of each table reads it whole, long enough for both processes to want it.
      await sql`delete from sync_watermark`.execute(hub.db);
      const { rows: [{ since }] } = await sql<{ since: Date }>`select now() as since`.execute(hub.db);
      const tables = Number((await sql<{ n: string }>`select count(distinct (source, source_table)) as n from sync_run`.execute(hub.db)).rows[0].n);
      expect(tables).toBeGreaterThan(5);
      hubs = await Promise.all(Array.from({ length: 2 }, () => startServing({ ...env, GRIDGRAPH_SYNC_INTERVAL: '1' })));

      // Until every table has been synced at least twice since (two rounds, by whichever process).
      const deadline = Date.now() + SYNC_MS;
      for (;;) {
        const { rows } = await sql<{ n: string }>`
          select count(*) as n from (select source, source_table from sync_run
            where started_at >= ${since} and finished_at is not null and error is null
            group by source, source_table having count(*) >= 2) synced`.execute(hub.db);
        if (Number(rows[0].n) === tables) break;
        expect(Date.now(), 'every table synced twice before the deadline').toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }

      // No two runs of one table overlap in time.
      const { rows: [overlaps] } = await sql<{ n: string }>`
        select count(*) as n from sync_run a join sync_run b
          on a.source = b.source and a.source_table = b.source_table and a.id < b.id
        where a.started_at >= ${since} and b.started_at >= ${since}
          and tstzrange(a.started_at, coalesce(a.finished_at, 'infinity')) && tstzrange(b.started_at, coalesce(b.finished_at, 'infinity'))`.execute(hub.db);
      expect(Number(overlaps.n)).toBe(0);
      // A table with a watermark was read whole exactly once: whoever came second found the watermark and read only what changed.
      const { rows: watermarked } = await sql<{ source: string; source_table: string; full_runs: string }>`
        select w.source, w.source_table, count(r.id) as full_runs from sync_watermark w
        left join sync_run r on r.source = w.source and r.source_table = w.source_table and r.mode = 'FULL' and r.started_at >= ${since}
        group by w.source, w.source_table order by 1, 2`.execute(hub.db);
      expect(watermarked.length).toBeGreaterThan(0);
      expect(watermarked.filter((table) => Number(table.full_runs) !== 1)).toEqual([]);
      // Both processes took part: each holds its sync-lock session on the hub database.
      const { rows: [locks] } = await sql<{ n: string }>`
        select count(*) as n from pg_stat_activity where datname = current_database() and application_name = 'gridgraph sync lock'`.execute(hub.db);
      expect(Number(locks.n)).toBe(2);
    });
  });
}
