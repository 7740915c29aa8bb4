import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createPglite } from './pglite-cluster.js';
import { PGliteExchangeQueue } from './pglite-exchange-queue.js';

/**
 * An embedded PostgreSQL (PGlite) reached over the ordinary wire protocol, so the
 * rest of gridgraph talks to it through `pg` exactly as to a real server.
 *
 * PGlite allows one process per data folder. The first process to open a folder
 * owns it and serves it on a Unix socket whose folder is recorded in
 * `<name>.lock`; any other process (the CLI while `npm start` runs) finds the
 * lock and connects to the owner instead of opening the files a second time.
 *
 * Why a Unix socket and no TCP port: pglite-socket (0.2.x) has no
 * authentication — it hands the client's startup message to PGlite, which
 * answers AuthenticationOk to any user — so a password cannot be required.
 * The socket lives in a folder only this process's user may enter (mode 0700),
 * so no other local user, and no other machine, can reach the departments'
 * data or the audit log through it.
 */
export interface EmbeddedPostgres {
  /** Connection URL for `pg`. */
  readonly url: string;
  /** True when this process owns the database; false when it is a guest of another process. */
  readonly owner: boolean;
  /** Stops serving and closes the database if this process owns it; a guest has nothing to close. */
  close(): Promise<void>;
}

interface LockFile {
  pid: number;
  /** The private folder holding the owner's socket. */
  socketDir: string;
}

/**
 * Connections a pool opens to an embedded database. PGlite runs one statement
 * at a time, so a second connection in the same pool would only wait; pools of
 * the hub and of the sources sharing one database each have their own, and the
 * exchange queue (pglite-exchange-queue.ts) keeps their exchanges apart.
 */
export const EMBEDDED_POOL_SIZE = 1;

/** The embedded database of a data folder: the hub's, and on the demo default its sources' too, each in a schema. */
export const EMBEDDED_DATABASE = 'hub';

/** pg finds a server's socket in a folder as `.s.PGSQL.<port>`: every embedded database has a folder of its own, so one port number serves. */
const SOCKET_PORT = 5432;

/**
 * The embedded databases this process has open, by folder: opening one again
 * (the hub and the demo sources share one) hands out the same, and it closes
 * when the last of its users does.
 */
const openInProcess = new Map<string, { database: Promise<EmbeddedPostgres>; users: number }>();

/**
 * Opens (or joins) the embedded database `name` in `dataDir`; with no `dataDir`
 * the database lives in memory and dies with the process (tests).
 */
export async function openEmbeddedPostgres(dataDir: string | undefined, name: string): Promise<EmbeddedPostgres> {
  if (dataDir === undefined) return serve(await createPglite('memory://'), undefined);
  const folder = path.resolve(dataDir, name);
  let shared = openInProcess.get(folder);
  if (shared === undefined) {
    shared = { database: openOrJoin(dataDir, name), users: 0 };
    openInProcess.set(folder, shared);
    shared.database.catch(() => openInProcess.delete(folder));
  }
  shared.users++;
  const database = await shared.database;
  const entry = shared;
  let closed = false;
  return {
    url: database.url,
    owner: database.owner,
    async close() {
      if (closed) return;
      closed = true;
      if (--entry.users > 0) return;
      openInProcess.delete(folder);
      await database.close();
    },
  };
}

async function openOrJoin(dataDir: string, name: string): Promise<EmbeddedPostgres> {
  await fs.mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, `${name}.lock`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const handle = await fs.open(lockPath, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw error;
    });
    if (handle !== undefined) {
      try {
        const db = await createPglite(path.join(dataDir, name));
        return await serve(db, { handle, lockPath });
      } catch (error) {
        await handle.close();
        await fs.rm(lockPath, { force: true });
        throw error;
      }
    }
    const lock = await readLock(lockPath);
    if (lock !== undefined && isAlive(lock.pid)) {
      if (await answers(lock.socketDir)) return guestOf(lock.socketDir);
      // The owner has taken the lock but is still starting; wait for its socket.
      await sleep(200);
      continue;
    }
    if (lock === undefined) {
      await sleep(100); // written but not yet filled in by its owner
      const again = await readLock(lockPath);
      if (again !== undefined) continue;
    }
    await fs.rm(lockPath, { force: true }); // left behind by a process that died
  }
  throw new Error(`could not open the embedded database in ${dataDir}: ${lockPath} stays locked`);
}

async function serve(
  db: PGlite,
  lock: { handle: fs.FileHandle; lockPath: string } | undefined,
): Promise<EmbeddedPostgres> {
  const socket = await serveOnSocket(db);
  if (lock !== undefined) {
    await lock.handle.writeFile(JSON.stringify({ pid: process.pid, socketDir: socket.socketDir } satisfies LockFile));
    await lock.handle.close();
  }
  let closed = false;
  return {
    url: socket.url,
    owner: true,
    async close() {
      if (closed) return;
      closed = true;
      await socket.stop();
      await db.close();
      if (lock !== undefined) await fs.rm(lock.lockPath, { force: true });
    },
  };
}

/** A PGlite served on the wire protocol. */
export interface PgliteSocket {
  /** Connection URL for `pg`. */
  readonly url: string;
  /** The private folder holding the socket. */
  readonly socketDir: string;
  /** Stops serving (the PGlite stays open) and removes the folder. */
  stop(): Promise<void>;
}

/** Serves `db` on a Unix socket in a folder of its own (tests serve the PGlites they build this way too). */
export async function serveOnSocket(db: PGlite): Promise<PgliteSocket> {
  // mkdtemp makes the folder 0700: only this user may reach the socket inside.
  const socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gridgraph-pg-'));
  // PGlite runs one statement at a time; the exchange queue takes the
  // connections in turn, each for a whole exchange or transaction.
  const server = new PGLiteSocketServer({ db, path: socketPath(socketDir), maxConnections: 64 });
  PGliteExchangeQueue.installOn(server, db);
  await server.start();
  return {
    url: urlFor(socketDir),
    socketDir,
    async stop() {
      await server.stop();
      await fs.rm(socketDir, { recursive: true, force: true });
    },
  };
}

function guestOf(socketDir: string): EmbeddedPostgres {
  return { url: urlFor(socketDir), owner: false, close: async () => {} };
}

function socketPath(socketDir: string): string {
  return path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
}

/** A `pg` URL for the socket in `socketDir` (libpq's form: the folder as `host`). */
function urlFor(socketDir: string): string {
  return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}&port=${SOCKET_PORT}`;
}

async function readLock(lockPath: string): Promise<LockFile | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, 'utf8')) as Partial<LockFile>;
    return typeof parsed.pid === 'number' && typeof parsed.socketDir === 'string' ? (parsed as LockFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` still runs (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function answers(socketDir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath(socketDir) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
