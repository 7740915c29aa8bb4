import { type Kysely, sql } from 'kysely';

/**
 * The crosswalk (docs/design.md §4.3): one row per source record, linking it to the
 * entity it describes (by natural key) and to the standard address its text
 * resolved to. Attributes stay in the sources; queries find records here and
 * read them live. Plus each source table's sync watermark and each run's figures.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('crosswalk')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_table', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    // The normalised natural key; null when the record's key failed validation.
    .addColumn('entity_key', 'text')
    .addColumn('key_problem', 'text')
    .addColumn('address_code', 'text', (c) => c.references('standard_address.code'))
    .addColumn('address_status', 'text')
    .addColumn('address_confidence', 'real')
    .addColumn('changed_at', 'text')
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('crosswalk_pkey', ['source', 'source_table', 'record_id'])
    .execute();
  await db.schema.createIndex('crosswalk_entity_idx').on('crosswalk').columns(['entity_kind', 'entity_key']).execute();
  await db.schema.createIndex('crosswalk_address_idx').on('crosswalk').columns(['address_code', 'entity_kind']).execute();

  await db.schema
    .createTable('sync_watermark')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_table', 'text', (c) => c.notNull())
    .addColumn('watermark', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_watermark_pkey', ['source', 'source_table'])
    .execute();

  await db.schema
    .createTable('sync_run')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('rows_scanned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sync_run').execute();
  await db.schema.dropTable('sync_watermark').execute();
  await db.schema.dropTable('crosswalk').execute();
}
