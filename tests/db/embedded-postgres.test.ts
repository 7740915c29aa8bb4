import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { tempDir } from '../support/csv-files.js';

const opened: EmbeddedPostgres[] = [];
afterEach(async () => {
  for (const db of opened.splice(0).reverse()) await db.close();
});

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL (PGlite over the wire protocol)', () => {
  it('keeps data in the folder across opens', async () => {
    const dir = tempDir();
    const first = await openEmbeddedPostgres(dir, 'hub');
    await query(first.url, 'create table kept (v text); insert into kept values (\'玄武\')');
    await first.close();
    expect(fs.existsSync(path.join(dir, 'hub.lock'))).toBe(false);
    const second = await openEmbeddedPostgres(dir, 'hub');
    opened.push(second);
    expect(await query(second.url, 'select v from kept')).toEqual([{ v: '玄武' }]);
  });

  it('hands a second opener in the same process the same database, open until the last of them closes it', async () => {
    const dir = tempDir();
    const first = await openEmbeddedPostgres(dir, 'hub');
    const second = await openEmbeddedPostgres(dir, 'hub');
    opened.push(second);
    expect(second.url).toBe(first.url);
    await query(first.url, 'create table shared (n int); insert into shared values (1)');
    await first.close();
    expect(await query(second.url, 'select n from shared')).toEqual([{ n: 1 }]);
    expect(fs.existsSync(path.join(dir, 'hub.lock'))).toBe(true);
  });

  it('keeps each connection\'s exchanges whole when many clients query at once (electric-sql/pglite#1046)', async () => {
    const db = await openEmbeddedPostgres(undefined, 'hub');
    opened.push(db);
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: db.url }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      // Parameterised queries go through Parse, Bind, Execute and Sync: interleaved
      // with another client's, one client's unnamed statement would answer the other.
      const answers = await Promise.all(
        clients.map(async (client, c) => {
          const rows: unknown[] = [];
          // Each client's own statement text, so a Bind that reached another's statement shows.
          for (let i = 0; i < 40; i++) rows.push(...(await client.query(`select $1::int as n, 'client ${c}' as label`, [c * 1000 + i])).rows);
          return rows;
        }),
      );
      const expected = clients.map((_, c) => Array.from({ length: 40 }, (_, i) => ({ n: c * 1000 + i, label: `client ${c}` })));
      expect(answers).toEqual(expected);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it('lets the next connection in when one leaves in the middle of its transaction', async () => {
    const db = await openEmbeddedPostgres(undefined, 'hub');
    opened.push(db);
    const leaving = new pg.Client({ connectionString: db.url });
    const staying = new pg.Client({ connectionString: db.url });
    await Promise.all([leaving.connect(), staying.connect()]);
    await staying.query('create table t (n int)');
    await leaving.query('begin');
    await leaving.query('insert into t values (1)');
    const waiting = staying.query<{ n: number }>('select count(*)::int as n from t');
    leaving.on('error', () => {}); // its connection is cut on purpose
    leaving.connection.stream.destroy();
    expect((await waiting).rows).toEqual([{ n: 0 }]);
    await staying.end();
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hub.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, socketDir: '/nonexistent' }));
    const db = await openEmbeddedPostgres(dir, 'hub');
    opened.push(db);
    expect(db.owner).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'hub.lock'), 'utf8')).pid).toBe(process.pid);
  });

  it('listens on no TCP port, only on a Unix socket in a folder no other user may enter', async () => {
    const db = await openEmbeddedPostgres(undefined, 'hub');
    opened.push(db);
    const url = new URL(db.url);
    const socketDir = url.searchParams.get('host')!;
    expect(path.isAbsolute(socketDir)).toBe(true);
    expect(fs.statSync(socketDir).mode & 0o777).toBe(0o700);
    const socket = path.join(socketDir, `.s.PGSQL.${url.searchParams.get('port')}`);
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(await connects({ path: socket })).toBe(true);
    if (process.platform === 'linux' && process.getuid?.() === 0) {
      // Another user of the machine (nobody) cannot reach it: the folder's mode keeps them out.
      const other = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e',
        `require('net').connect(${JSON.stringify(socket)}).on('connect', () => process.exit(0)).on('error', (e) => { console.log(e.code); process.exit(3); })`], { encoding: 'utf8' });
      expect({ status: other.status, code: other.stdout.trim() }).toEqual({ status: 3, code: 'EACCES' });
    }
  });
});

function connects(to: net.NetConnectOpts): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(to);
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
