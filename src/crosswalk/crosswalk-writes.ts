import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { CrosswalkLinkTable, CrosswalkTable, HubSchema } from '../db/hub-schema.js';
import { upsertRowsUncounted, type UpsertTable } from '../db/upsert-rows.js';

/** What sync writes to `crosswalk` and `crosswalk_link`: all their writes. */

export type CrosswalkWrite = Omit<CrosswalkTable, 'synced_at' | 'deleted'> & { deleted: boolean };
export type LinkWrite = Omit<CrosswalkLinkTable, 'synced_at' | 'deleted'> & { deleted: boolean };

const CROSSWALK: UpsertTable<CrosswalkWrite> = {
  name: 'crosswalk',
  columns: {
    source: 'text', source_table: 'text', record_id: 'text', entity_kind: 'text', entity_key: 'text', key_problem: 'text',
    address_code: 'text', address_status: 'text', address_confidence: 'real', changed_at: 'text', shared: 'jsonb', problems: 'jsonb', deleted: 'boolean',
  },
  key: ['source', 'source_table', 'record_id'],
  stamped: 'synced_at',
};

const CROSSWALK_LINK: UpsertTable<LinkWrite> = {
  name: 'crosswalk_link',
  columns: {
    source: 'text', source_table: 'text', record_id: 'text', role: 'text', from_kind: 'text', from_key: 'text', to_kind: 'text', to_key: 'text', deleted: 'boolean',
  },
  key: ['source', 'source_table', 'record_id', 'role'],
  stamped: 'synced_at',
};

/**
 * Writes crosswalk rows by (source, table, record id). A row already as given is
 * left alone, so re-syncing unchanged records changes nothing.
 */
export async function upsertCrosswalk(db: Kysely<HubSchema>, rows: readonly CrosswalkWrite[]): Promise<void> {
  await upsertRowsUncounted(db, CROSSWALK, rows);
}

/** Writes links by (source, table, record id, role); a link already as given is left alone. */
export async function upsertLinks(db: Kysely<HubSchema>, rows: readonly LinkWrite[]): Promise<void> {
  await upsertRowsUncounted(db, CROSSWALK_LINK, rows);
}

/** Numbers markAbsentDeleted's temporary tables. */
let presentTables = 0;

/**
 * Marks the records and links of a source table deleted unless their record
 * ids come up in `present` — the ids the source holds now, page by page.
 * Returns how many records went. The ids are compared in the hub, on one
 * connection, so the process holds one page at a time however big the table.
 *
 * The pages are gathered before the transaction begins, not inside it: on the
 * embedded default the source is a schema of the hub's own database, one
 * session that runs a transaction's statements alone until it ends, so a
 * source read waited for inside the transaction would wait for ever.
 */
export async function markAbsentDeleted(db: Kysely<HubSchema>, source: string, table: string, present: AsyncIterable<readonly string[]>): Promise<number> {
  // Named per call and process: on the embedded default one session is every
  // connection's, a CLI's joining the server's included.
  const presentRecord = sql.table(`present_record_${process.pid}_${++presentTables}_${randomBytes(4).toString('hex')}`);
  return db.connection().execute(async (connection) => {
    await sql`create temp table ${presentRecord} (record_id text)`.execute(connection);
    try {
      for await (const ids of present) await sql`insert into ${presentRecord} select unnest(${ids}::text[])`.execute(connection);
      // Indexed and analysed, so no plan can probe it by scanning it per record
      // (the crosswalk's own statistics may still be those of an empty table).
      await sql`create index on ${presentRecord} (record_id)`.execute(connection);
      await sql`analyze ${presentRecord}`.execute(connection);
      return await connection.transaction().execute(async (trx) => {
        await sql`
          create temp table absent_record on commit drop as
          select record_id from crosswalk
          where source = ${source} and source_table = ${table} and not deleted
            and not exists (select from ${presentRecord} p where p.record_id = crosswalk.record_id)
          union
          select record_id from crosswalk_link
          where source = ${source} and source_table = ${table} and not deleted
            and not exists (select from ${presentRecord} p where p.record_id = crosswalk_link.record_id)`.execute(trx);
        for (const target of ['crosswalk_link', 'crosswalk'] as const) {
          await sql`
            update ${sql.table(target)} set deleted = true, synced_at = now()
            where source = ${source} and source_table = ${table} and record_id in (select record_id from absent_record)`.execute(trx);
        }
        const { rows } = await sql<{ count: string }>`select count(*) as count from absent_record`.execute(trx);
        return Number(rows[0].count);
      });
    } finally {
      // A connection that broke took its temporary table with it: nothing to report then.
      await sql`drop table if exists ${presentRecord}`.execute(connection).catch(() => undefined);
    }
  });
}

