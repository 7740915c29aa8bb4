import { type Kysely, sql } from 'kysely';

/**
 * Secrets the hub keeps in its own database, so every process on one hub
 * database shares them and they survive restarts: the key that seals global
 * ids and cursors (docs/design.md §2.1: opaque, not buildable from a natural key).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('hub_secret')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('hub_secret').execute();
}
