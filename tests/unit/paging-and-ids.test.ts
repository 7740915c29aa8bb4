import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paginate } from '../../src/graph/connection.js';
import { OpaqueIds } from '../../src/graph/opaque-ids.js';

const SECRET = Buffer.alloc(32, 7);
const ids = new OpaqueIds(SECRET);
const ID_NUMBER = '320102194003180010';

/** Every string that differs from `token` in one character, over base64url's alphabet. */
function oneCharacterChanges(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const changed: string[] = [];
  for (let i = 0; i < token.length; i++) {
    for (const c of alphabet) if (c !== token[i]) changed.push(token.slice(0, i) + c + token.slice(i + 1));
  }
  return changed;
}

describe('global ids', () => {
  it('round-trip type and natural key, the same id every time and under a second instance with the same secret', () => {
    const id = ids.id('Person', ID_NUMBER);
    expect(ids.parseId(id)).toEqual({ type: 'Person', key: ID_NUMBER });
    expect(ids.id('Person', ID_NUMBER)).toBe(id);
    expect(new OpaqueIds(Buffer.from(SECRET)).parseId(id)).toEqual({ type: 'Person', key: ID_NUMBER });
  });

  it('carry nothing of the key: no digits of it in the text or its base64 decoding', () => {
    const id = ids.id('Person', ID_NUMBER);
    const decoded = Buffer.from(id, 'base64url');
    for (const text of [id, decoded.toString('latin1'), decoded.toString('utf8'), decoded.toString('hex')]) {
      expect(text).not.toContain(ID_NUMBER.slice(0, 6));
      expect(text).not.toContain(ID_NUMBER.slice(-4));
      expect(text).not.toContain('Person');
    }
  });

  it('cannot be built from a key without the secret: another secret makes other ids, which do not open here', () => {
    const other = new OpaqueIds(randomBytes(32));
    const foreign = other.id('Person', ID_NUMBER);
    expect(foreign).not.toBe(ids.id('Person', ID_NUMBER));
    expect(ids.parseId(foreign)).toBeUndefined();
    // The old, transparent form of an id.
    expect(ids.parseId(Buffer.from(`Person:${ID_NUMBER}`).toString('base64url'))).toBeUndefined();
  });

  it('open to nothing when any one character is changed, cut or extended', () => {
    const id = ids.id('Event', 'governance:SJ0000000001');
    for (const changed of oneCharacterChanges(id)) expect(ids.parseId(changed), changed).toBeUndefined();
    for (const bad of ['', 'nonsense', id.slice(0, -1), `${id}A`, `${id}=`, id.toUpperCase(), 'A'.repeat(5000), `${id}\u0000`]) {
      expect(ids.parseId(bad), bad).toBeUndefined();
    }
  });

  it('are not cursors, and cursors are not ids', () => {
    expect(ids.parseId(ids.cursor('Person:x'))).toBeUndefined();
    expect(() => ids.parseCursor(ids.id('Person', ID_NUMBER))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('refuse a secret shorter than 32 bytes', () => {
    expect(() => new OpaqueIds(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('pagination', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'].map((code) => ({ code }));
  const fetchPage = async (after: string | undefined, limit: number) => rows.filter((r) => after === undefined || r.code > after).slice(0, limit);
  const count = async () => rows.length;
  const byCode = (r: { code: string }) => r.code;

  it('walks a list page by page with cursors', async () => {
    const first = await paginate(ids, { first: 2 }, byCode, fetchPage, count);
    expect(first.nodes.map((r) => r.code)).toEqual(['a', 'b']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const last = await paginate(ids, { first: 3, after: first.pageInfo.endCursor() }, byCode, fetchPage, count);
    expect(last.nodes.map((r) => r.code)).toEqual(['c', 'd', 'e']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(await last.totalCount()).toBe(5);
    // Each edge's cursor opens to its key; the first and last are the page's start and end cursors.
    expect(last.edges().map((edge) => ids.parseCursor(edge.cursor))).toEqual(['c', 'd', 'e']);
    expect([last.pageInfo.startCursor(), last.pageInfo.endCursor()].map((cursor) => ids.parseCursor(cursor!))).toEqual(['c', 'e']);
    const empty = await paginate(ids, { first: 2, after: last.pageInfo.endCursor() }, byCode, fetchPage, count);
    expect([empty.edges(), empty.pageInfo.startCursor(), empty.pageInfo.endCursor()]).toEqual([[], null, null]);
  });

  it('cursors name no key and cannot be forged or altered', async () => {
    const page = await paginate(ids, { first: 2 }, byCode, fetchPage, count);
    const cursor = page.pageInfo.endCursor()!;
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('k:b');
    expect(ids.parseCursor(cursor)).toBe('b');
    for (const forged of [Buffer.from('k:b').toString('base64url'), new OpaqueIds(randomBytes(32)).cursor('b'), ...oneCharacterChanges(cursor).slice(0, 200)]) {
      await expect(paginate(ids, { first: 2, after: forged }, byCode, fetchPage, count), forged).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    }
  });

  it('rejects a page size over the limit', async () => {
    await expect(paginate(ids, { first: 101 }, byCode, fetchPage, count)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
