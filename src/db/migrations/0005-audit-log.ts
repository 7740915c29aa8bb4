import { type Kysely, sql } from 'kysely';

/**
 * The audit log (docs/design.md §5.7): append-only — triggers refuse UPDATE, DELETE and
 * TRUNCATE — and hash-chained: each record carries the hash of the one before,
 * and `audit_head` the last, so a changed, removed or cut-off record shows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('sequence', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('roles', 'jsonb', (c) => c.notNull())
    .addColumn('purpose', 'text')
    .addColumn('operation_name', 'text')
    .addColumn('document_hash', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('client_address', 'text')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_key', 'text')
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('previous_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity_type', 'entity_key', 'sequence']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'sequence']).execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, sequence, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
  await sql`create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_is_append_only()`.execute(db);
  await sql`create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('audit_head').execute();
  await sql`drop function audit_log_is_append_only()`.execute(db);
}
