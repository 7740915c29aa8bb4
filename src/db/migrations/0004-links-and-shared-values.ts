import { type Kysely, sql } from 'kysely';

/**
 * Links between entities found in source records (an enterprise's legal
 * representative, a dispute's parties), and each crosswalk record's values of
 * its entity's shared fields (name, phone …), so conflicts between sources show
 * without reading the sources again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('crosswalk').addColumn('shared', 'jsonb').execute();
  await db.schema
    .createTable('crosswalk_link')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_table', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('from_kind', 'text', (c) => c.notNull())
    .addColumn('from_key', 'text', (c) => c.notNull())
    .addColumn('to_kind', 'text', (c) => c.notNull())
    .addColumn('to_key', 'text', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('crosswalk_link_pkey', ['source', 'source_table', 'record_id', 'role'])
    .execute();
  await db.schema.createIndex('crosswalk_link_from_idx').on('crosswalk_link').columns(['from_kind', 'from_key']).execute();
  await db.schema.createIndex('crosswalk_link_to_idx').on('crosswalk_link').columns(['to_kind', 'to_key']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('crosswalk_link').execute();
  await db.schema.alterTable('crosswalk').dropColumn('shared').execute();
}
