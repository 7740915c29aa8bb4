import { type Kysely, sql } from 'kysely';

/** The PostgreSQL types a column is sent as: one array parameter per column. */
export type ColumnType = 'text' | 'real' | 'float8' | 'jsonb' | 'boolean';

/** A table written by upsertRows: its columns with their types, and the columns a row is found by. */
export interface UpsertTable<Row> {
  readonly name: string;
  readonly columns: { readonly [C in keyof Row & string]?: ColumnType };
  /** The conflict target: a unique key of the table. */
  readonly key: readonly (keyof Row & string)[];
  /** A column set to now() whenever a row is inserted or changed (`updated_at`, `synced_at`). */
  readonly stamped?: string;
}

/** The counts of one upsert: new rows, changed rows; the rest were already as given. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/**
 * Inserts or updates rows by key in one statement, the values sent as one
 * array per column (`unnest`), whatever the number of rows. A row already
 * exactly as given is left alone — not even its stamp moves — so writing the
 * same rows again changes nothing.
 */
export async function upsertRows<Row extends object>(db: Kysely<any>, table: UpsertTable<Row>, rows: readonly Row[]): Promise<UpsertCounts> {
  return write(db, table, rows, true);
}

/**
 * The same without counting: nothing comes back but the statement's end —
 * for the sync's bulk writes, where a row a record back would cost more than
 * the count is worth.
 */
export async function upsertRowsUncounted<Row extends object>(db: Kysely<any>, table: UpsertTable<Row>, rows: readonly Row[]): Promise<void> {
  await write(db, table, rows, false);
}

async function write<Row extends object>(db: Kysely<any>, table: UpsertTable<Row>, rows: readonly Row[], counted: boolean): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const columns = Object.entries(table.columns as Record<string, ColumnType>);
  const updatable = columns.map(([name]) => name).filter((name) => !table.key.includes(name as keyof Row & string));
  const arrays = columns.map(([name, type]) => {
    const values = rows.map((row) => (row as Record<string, unknown>)[name] ?? null);
    return sql`${type === 'jsonb' ? values.map((value) => (value === null ? null : JSON.stringify(value))) : values}::${sql.raw(type)}[]`;
  });
  const list = (prefix: string, names: readonly string[]) => sql.raw(names.map((name) => `${prefix}${name}`).join(', '));
  const stamp = table.stamped === undefined ? sql`` : sql`, ${sql.raw(table.stamped)} = now()`;
  const { rows: written } = await sql<{ inserted: boolean }>`
    insert into ${sql.table(table.name)} (${list('', columns.map(([name]) => name))})
    select * from unnest(${sql.join(arrays)})
    on conflict (${list('', table.key)}) do update
      set ${sql.raw(updatable.map((name) => `${name} = excluded.${name}`).join(', '))}${stamp}
      where (${list(`${table.name}.`, updatable)}) is distinct from (${list('excluded.', updatable)})
    ${counted ? sql`returning (xmax = 0) as inserted` : sql``}`.execute(db);
  const inserted = written.filter((row) => row.inserted).length;
  return { inserted, updated: written.length - inserted };
}
