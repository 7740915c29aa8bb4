import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, paginate } from '../../src/graph/connection.js';
import { fromGlobalId, toGlobalId } from '../../src/graph/global-id.js';

describe('global ids', () => {
  it('round-trip type and natural key', () => {
    expect(fromGlobalId(toGlobalId('StandardAddress', '320102002001000017'))).toEqual({ type: 'StandardAddress', key: '320102002001000017' });
  });

  it('reject what gridgraph did not make as BAD_USER_INPUT', () => {
    for (const id of ['', 'nonsense', toGlobalId('Region', '').slice(0, -1), Buffer.from(':x').toString('base64url')]) {
      expect(() => fromGlobalId(id), id).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});

describe('pagination', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'].map((code) => ({ code }));
  const fetchPage = async (after: string | undefined, limit: number) => rows.filter((r) => after === undefined || r.code > after).slice(0, limit);
  const count = async () => rows.length;

  it('walks a list page by page with cursors', async () => {
    const first = await paginate({ first: 2 }, (r) => r.code, fetchPage, count);
    expect(first.nodes.map((r) => r.code)).toEqual(['a', 'b']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const last = await paginate({ first: 3, after: first.pageInfo.endCursor }, (r) => r.code, fetchPage, count);
    expect(last.nodes.map((r) => r.code)).toEqual(['c', 'd', 'e']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(await last.totalCount()).toBe(5);
  });

  it('rejects a page size over the limit and a cursor it did not make', async () => {
    await expect(paginate({ first: 101 }, (r) => r.code, fetchPage, count)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(() => decodeCursor('garbage')).toThrow(/not a cursor/);
    expect(decodeCursor(encodeCursor('320102'))).toBe('320102');
  });
});
