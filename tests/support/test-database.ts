import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import pg from 'pg';
import { serveOnSocket } from '../../src/db/embedded-postgres.js';
import { createPglite } from '../../src/db/pglite-cluster.js';

/**
 * One database of a test, copied from an image of a prepared one: PGlite in
 * memory started from a data-folder tarball (`loadDataDir`), or on
 * TEST_DATABASE_URL's server a database created with `TEMPLATE`. Both copy a
 * built demo world in about a second, where building it takes a minute.
 */
export interface TestDatabase {
  /** The URL a `pg` pool connects to. */
  readonly url: string;
  /**
   * Makes this database an image at `image` (a file path on PGlite, a database
   * name on a server) and closes it. Every pool on it must be closed first.
   */
  saveAs(image: string): Promise<void>;
  close(): Promise<void>;
}

export const serverUrl = () => (process.env.TEST_DATABASE_URL === '' ? undefined : process.env.TEST_DATABASE_URL);

/** A new database: empty, or a copy of `image`. */
export async function openTestDatabase(prefix: string, image?: string): Promise<TestDatabase> {
  const server = serverUrl();
  return server === undefined ? openPglite(image) : openOnServer(server, prefix, image);
}

/**
 * PGlite in memory, served on a Unix socket as src/db/embedded-postgres.ts serves
 * it; here the test holds the PGlite itself, to dump it.
 */
async function openPglite(image: string | undefined): Promise<TestDatabase> {
  const loadDataDir = image === undefined ? undefined : new Blob([await fs.readFile(image)]);
  const db = await createPglite('memory://', loadDataDir ? { loadDataDir } : {});
  const socket = await serveOnSocket(db);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await socket.stop();
    await db.close();
  };
  return {
    url: socket.url,
    async saveAs(file) {
      const tarball = await db.dumpDataDir('none');
      const partial = `${file}.${process.pid}.partial`;
      await fs.writeFile(partial, new Uint8Array(await tarball.arrayBuffer()));
      await fs.rename(partial, file);
      await close();
    },
    close,
  };
}

async function openOnServer(server: string, prefix: string, image: string | undefined): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await runStatement(server, image === undefined ? `create database ${name}` : `create database ${name} template ${image}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  let kept = false;
  return {
    url: url.toString(),
    async saveAs(template) {
      await runStatement(server, `alter database ${name} rename to ${template}`);
      kept = true;
    },
    async close() {
      if (!kept) await runStatement(server, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Drops every database on TEST_DATABASE_URL's server whose name starts with `prefix` (the images of a run). */
export async function dropDatabasesNamed(prefix: string): Promise<void> {
  const server = serverUrl();
  if (server === undefined) return;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await client.end();
  }
}

/** Runs one statement; again while the database it names is still "accessed by other users" (a closed pool's backends ending), up to a deadline. */
async function runStatement(url: string, statement: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 100) throw error;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
