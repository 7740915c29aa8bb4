import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * New PGlite databases, made from an empty cluster prepared once at install.
 *
 * Creating a PGlite on a new folder first runs initdb in a WebAssembly instance
 * of its own: about 2.3 s and, for those seconds, some 550 MB more memory than
 * the database itself needs — most of the first start's peak. `npm install`
 * runs initdb once (`postinstall`: scripts/prepare-pglite-cluster.ts) and keeps
 * the empty cluster as a tarball under node_modules/.cache; every new database
 * — the data folder's on first start, each test's in memory — is that tarball
 * unpacked (about 1 s, no initdb). Without the tarball (installed with
 * --ignore-scripts, or a cache removed) a database is made by initdb as
 * PGlite always does.
 */

/**
 * PostgreSQL's default 128 MB of shared buffers is memory the process keeps once
 * touched; the embedded default holds a demo district (tens of MB), and a
 * district of a million people belongs on a PostgreSQL server (README,
 * § Operating). 32 MB keeps the first start's footprint about 90 MB smaller.
 */
const SETTINGS: PGliteOptions = { postgresqlconf: ['shared_buffers = 32MB'] };

/** Where `npm install` keeps the empty cluster: keyed by PGlite's version, whose clusters it can open. */
export function emptyClusterPath(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@electric-sql/pglite');
  const packageDir = entry.slice(0, entry.lastIndexOf(`${path.sep}dist${path.sep}`));
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const nodeModules = path.dirname(path.dirname(packageDir)); // …/node_modules/@electric-sql/pglite
  return path.join(nodeModules, '.cache', 'gridgraph', `pglite-${version}-empty-cluster.tar.gz`);
}

/**
 * Opens the PGlite at `dataDir` (`memory://` for one in memory): a folder that
 * holds a database is opened as it is; a new one starts from the empty cluster
 * when `npm install` prepared it.
 */
export async function createPglite(dataDir: string, extra: PGliteOptions = {}): Promise<PGlite> {
  const cluster = extra.loadDataDir === undefined && isNew(dataDir) ? readEmptyCluster() : undefined;
  if (cluster === undefined) return PGlite.create(dataDir, { ...SETTINGS, ...extra });
  const folderExisted = dataDir !== 'memory://' && fs.existsSync(dataDir);
  try {
    return await PGlite.create(dataDir, { ...SETTINGS, ...extra, loadDataDir: cluster });
  } catch {
    // A cache file that is not a cluster this PGlite can open: make the database as
    // PGlite would, removing only what the failed unpacking made.
    if (dataDir !== 'memory://' && !folderExisted) fs.rmSync(dataDir, { recursive: true, force: true });
    return PGlite.create(dataDir, { ...SETTINGS, ...extra });
  }
}

/** Runs initdb once and keeps the empty cluster for createPglite (the `postinstall` step). */
export async function prepareEmptyCluster(): Promise<string> {
  const file = emptyClusterPath();
  const db = await PGlite.create('memory://');
  try {
    const tarball = await db.dumpDataDir('gzip');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, new Uint8Array(await tarball.arrayBuffer()));
    fs.renameSync(partial, file);
  } finally {
    await db.close();
  }
  return file;
}

function isNew(dataDir: string): boolean {
  return dataDir === 'memory://' || !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

function readEmptyCluster(): Blob | undefined {
  try {
    return new Blob([fs.readFileSync(emptyClusterPath())]);
  } catch {
    return undefined;
  }
}
