import { type Kysely, sql } from 'kysely';

/**
 * One row counting changes to the registry. Every import that changes something
 * bumps it in its own transaction, so in-memory indexes of the registry (the
 * address resolver's) know when to rebuild by reading one number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registry_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`insert into registry_state (id, revision) values (1, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('registry_state').execute();
}
