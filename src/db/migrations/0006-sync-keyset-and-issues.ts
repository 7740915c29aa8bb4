import { type Kysely, sql } from 'kysely';

/**
 * Sync that loses no row and hides no garbage (issue 16):
 * - the watermark becomes a keyset position: the record id of the last row
 *   synced next to its change value;
 * - each run names its table, so one table's runs are found directly;
 * - a crosswalk record carries the problems found in its row (a change value
 *   that is not a time, dates that are not dates), with their raw text for the
 *   steward;
 * - `sync_table_issue` lists what no crosswalk row can hold: rows without a
 *   record id, and record ids held by several rows. Each sync of a table
 *   replaces that table's list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_watermark').addColumn('record_id', 'text').execute();
  await db.schema.alterTable('sync_run').addColumn('source_table', 'text').execute();
  await db.schema.alterTable('sync_run').addColumn('rows_skipped', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('sync_run_table_idx').on('sync_run').columns(['source', 'source_table', 'id']).execute();
  await db.schema.alterTable('crosswalk').addColumn('problems', 'jsonb').execute();
  await sql`create index crosswalk_problems_idx on crosswalk (source, source_table, record_id) where problems is not null`.execute(db);
  await db.schema
    .createTable('sync_table_issue')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_table', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // 1-based, in the order the sync lists the issues of one kind.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('change_value', 'text')
    .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('found_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('sync_table_issue_pkey', ['source', 'source_table', 'kind', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_table_issue').execute();
  await sql`drop index crosswalk_problems_idx`.execute(db);
  await db.schema.alterTable('crosswalk').dropColumn('problems').execute();
  await db.schema.dropIndex('sync_run_table_idx').execute();
  await db.schema.alterTable('sync_run').dropColumn('rows_skipped').execute();
  await db.schema.alterTable('sync_run').dropColumn('source_table').execute();
  await db.schema.alterTable('sync_watermark').dropColumn('record_id').execute();
}
