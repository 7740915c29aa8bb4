import { type Kysely, sql } from 'kysely';

/** A demo source table as the department's system defines it: quoted upper-case columns, all text. */
export interface NativeTable {
  readonly name: string;
  /** Column → SQL type (`varchar(32)`, `char(8)` …), in order; the first is the primary key. */
  readonly columns: Readonly<Record<string, string>>;
  /** Extra indexes, each a list of columns (the sync reads by change column and id). */
  readonly indexes?: readonly (readonly string[])[];
}

export type NativeRow = Record<string, string | null>;

/** Creates the table and its indexes if they do not exist. */
export async function createNativeTable(db: Kysely<any>, table: NativeTable): Promise<void> {
  const [primaryKey] = Object.keys(table.columns);
  const columns = Object.entries(table.columns).map(([name, type]) => sql`${sql.id(name)} ${sql.raw(type)}${name === primaryKey ? sql` primary key` : sql``}`);
  await sql`create table if not exists ${sql.table(table.name)} (${sql.join(columns)})`.execute(db);
  for (const [i, index] of (table.indexes ?? []).entries()) {
    await sql`create index if not exists ${sql.id(`IDX_${table.name}_${i}`)} on ${sql.table(table.name)} (${sql.join(index.map((c) => sql.id(c)))})`.execute(db);
  }
}

/** Inserts rows in batches (one statement each), so a generator streams instead of holding a source in memory. */
export class NativeTableWriter {
  private batch: NativeRow[] = [];
  /** Rows written so far. */
  written = 0;

  constructor(
    private readonly db: Kysely<any>,
    private readonly table: NativeTable,
    private readonly onBatch: (written: number) => void = () => {},
    private readonly batchSize = 5_000,
  ) {}

  async add(row: NativeRow): Promise<void> {
    this.batch.push(row);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const names = Object.keys(this.table.columns);
    const rows = this.batch;
    this.batch = [];
    await sql`insert into ${sql.table(this.table.name)} (${sql.join(names.map((n) => sql.id(n)))})
              select * from unnest(${sql.join(names.map((n) => sql`${rows.map((row) => row[n] ?? null)}::text[]`))})
              on conflict do nothing`.execute(this.db);
    this.written += rows.length;
    this.onBatch(this.written);
  }
}

/** Local timestamp formats departments use, from a UTC instant. */
export const localTime = {
  /** `yyyy-MM-dd HH:mm:ss` */
  dashed: (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' '),
  /** `yyyyMMddHHmmss` */
  compact: (ms: number) => new Date(ms).toISOString().slice(0, 19).replace(/[-T:]/g, ''),
  /** `yyyyMMdd` */
  date: (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, ''),
  /** `yyyy/MM/dd HH:mm` */
  slashed: (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ').replace(/-/g, '/'),
};
