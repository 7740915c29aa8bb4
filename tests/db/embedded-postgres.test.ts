import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { EMBEDDED_HOST, openEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';
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

  it('lets a second opener of the same folder join the owner instead of opening the files twice', async () => {
    const dir = tempDir();
    const owner = await openEmbeddedPostgres(dir, 'hub');
    opened.push(owner);
    const guest = await openEmbeddedPostgres(dir, 'hub');
    opened.push(guest);
    expect([owner.owner, guest.owner]).toEqual([true, false]);
    expect(guest.url).toBe(owner.url);
    await query(owner.url, 'create table shared (n int); insert into shared values (1)');
    expect(await query(guest.url, 'select n from shared')).toEqual([{ n: 1 }]);
  });

  it('serves several connections at once, each keeping its own transaction', async () => {
    const db = await openEmbeddedPostgres(undefined, 'hub');
    opened.push(db);
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await Promise.all([a.connect(), b.connect()]);
    await a.query('create table t (n int)');
    await a.query('begin');
    await a.query('insert into t values (1)');
    const seenByB = b.query('select count(*)::int as n from t');
    await a.query('rollback');
    expect((await seenByB).rows).toEqual([{ n: 0 }]);
    await Promise.all([a.end(), b.end()]);
  });

  it('takes over a lock left behind by a process that died', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'hub.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, port: 1 }));
    const db = await openEmbeddedPostgres(dir, 'hub');
    opened.push(db);
    expect(db.owner).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'hub.lock'), 'utf8')).pid).toBe(process.pid);
  });

  it('listens on loopback only: the kernel lists its port on 127.0.0.1, and no other address of this machine answers', async () => {
    const db = await openEmbeddedPostgres(undefined, 'hub');
    opened.push(db);
    const url = new URL(db.url);
    expect(url.hostname).toBe(EMBEDDED_HOST);
    const port = Number(url.port);
    if (process.platform === 'linux') {
      // /proc/net/tcp{,6}: "local_address" is hex IP:port; state 0A is LISTEN.
      const listening = ['/proc/net/tcp', '/proc/net/tcp6']
        .flatMap((file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(1) : []))
        .map((line) => line.trim().split(/\s+/))
        .filter((cells) => cells.length > 3 && cells[3] === '0A' && parseInt(cells[1].split(':')[1], 16) === port)
        .map((cells) => cells[1].split(':')[0]);
      expect(listening).toEqual(['0100007F']); // 127.0.0.1, little-endian; not 00000000 (every interface)
    }
    const elsewhere = Object.values(os.networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);
    for (const address of elsewhere) expect(await connects(address, port), address).toBe(false);
    expect(await connects(EMBEDDED_HOST, port)).toBe(true);
  });
});

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
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
