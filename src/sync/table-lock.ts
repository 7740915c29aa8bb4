import pg from 'pg';

/**
 * Makes sure one source table is synced by one sync at a time: within this
 * process by a set of held tables, and — on a hub on a PostgreSQL server —
 * across every hub process on that database by a session advisory lock, taken
 * on a connection of its own so a crashed process's locks go with its session.
 *
 * The embedded default has no second session to tell processes apart (one
 * PGlite backend serves every process), so there only the in-process guard
 * holds: run one syncing process per embedded data folder.
 */
export interface TableLocks {
  /** Runs `work` holding the table's lock; returns `{ ran: false }` at once when another sync holds it. */
  withLock<T>(source: string, table: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
}

/** The advisory lock's first key: gridgraph's sync, apart from any other user of advisory locks on the database. */
const SYNC_LOCK_SPACE = 0x67726964; // 'grid'

/** Tables a sync of this process holds, whichever `TableLocks` took them. */
const held = new Set<string>();

/** Table locks for a hub at `databaseUrl` (a server), or in-process only (`undefined`: the embedded default). */
export function openTableLocks(databaseUrl: string | undefined): TableLocks {
  let client: Promise<pg.Client> | undefined;
  const connection = () => {
    client ??= (async () => {
      const c = new pg.Client({ connectionString: databaseUrl, application_name: 'gridgraph sync lock' });
      // A dropped lock connection loses its locks: the next attempt connects again.
      c.on('error', () => (client = undefined));
      await c.connect();
      return c;
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
  return {
    async withLock(source, table, work) {
      const name = `${source}.${table}`;
      if (held.has(name)) return { ran: false };
      held.add(name);
      try {
        if (databaseUrl === undefined) return { ran: true, value: await work() };
        const c = await connection();
        const { rows } = await c.query<{ locked: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as locked', [SYNC_LOCK_SPACE, name]);
        if (!rows[0].locked) return { ran: false };
        try {
          return { ran: true, value: await work() };
        } finally {
          await c.query('select pg_advisory_unlock($1, hashtext($2))', [SYNC_LOCK_SPACE, name]).catch(() => {});
        }
      } finally {
        held.delete(name);
      }
    },
    async close() {
      const c = await client?.catch(() => undefined);
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
