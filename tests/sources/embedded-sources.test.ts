import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { openEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { openHubDatabase } from '../../src/db/hub-database.js';
import { openSourceDatabase } from '../../src/sources/source-database.js';
import { tempDir } from '../support/csv-files.js';

const police = connectors.find((c) => c.name === 'police')!;
const civilAffairs = connectors.find((c) => c.name === 'civil-affairs')!;
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

describe('the demo sources on the embedded default', () => {
  it('live in schemas of the data folder\'s one database, each source reaching only its own', async () => {
    const dataDir = tempDir();
    const hub = await openHubDatabase({ databaseUrl: undefined, dataDir, poolSize: 1 });
    closing.push(() => hub.close());
    const first = await openSourceDatabase(police, { dataDir }, {});
    closing.push(() => first.close());
    const second = await openSourceDatabase(civilAffairs, { dataDir }, {});
    closing.push(() => second.close());
    expect([first.description, second.description]).toEqual(['embedded, schema source_police', 'embedded, schema source_civil_affairs']);
    // Built queries and templates alike land in the source's schema.
    await first.db.schema.createTable('T_EXAMPLE').addColumn('n', 'integer').execute();
    await sql`insert into ${sql.table('T_EXAMPLE')} values (1), (2)`.execute(first.db);
    expect(await first.db.selectFrom('T_EXAMPLE').select('n').orderBy('n').execute()).toEqual([{ n: 1 }, { n: 2 }]);
    // Seen from the database itself: one table, in the police schema.
    const { rows } = await sql<{ schema: string }>`select table_schema as schema from information_schema.tables where table_name = 'T_EXAMPLE'`.execute(hub.db);
    expect(rows).toEqual([{ schema: 'source_police' }]);
    // The other source does not find it in its own schema.
    await expect(second.db.selectFrom('T_EXAMPLE').select('n').execute()).rejects.toThrow(/does not exist/);
  });

  it('stay in a database of their own in a data folder made before they shared one', async () => {
    const dataDir = tempDir();
    const legacy = await openEmbeddedPostgres(dataDir, 'source-police');
    const client = new pg.Client({ connectionString: legacy.url });
    await client.connect();
    await client.query('create table "T_EXAMPLE" (n integer); insert into "T_EXAMPLE" values (7)');
    await client.end();
    await legacy.close();
    const source = await openSourceDatabase(police, { dataDir }, {});
    closing.push(() => source.close());
    expect(source.description).toBe('embedded source-police');
    expect(await source.db.selectFrom('T_EXAMPLE').select('n').execute()).toEqual([{ n: 7 }]);
  });
});
