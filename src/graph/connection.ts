import { badUserInput } from '../errors/gridgraph-error.js';
import { unstorableText } from './storable-text.js';

/** The largest page a list returns. */
export const MAX_PAGE_SIZE = 100;

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A Relay connection; `totalCount` is counted only when a query asks for it. */
export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<number>;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * One forward page of a keyset-ordered list: `fetchPage` returns up to `limit`
 * rows after the given key in key order; one extra row tells whether there is a
 * next page.
 */
export async function paginate<T>(
  args: PageArgs,
  keyOf: (row: T) => string,
  fetchPage: (afterKey: string | undefined, limit: number) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be from 0 to ${MAX_PAGE_SIZE}, got ${first}`, { argument: 'first' });
  }
  const afterKey = args.after == null ? undefined : decodeCursor(args.after);
  const rows = first === 0 ? [] : await fetchPage(afterKey, first + 1);
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterKey !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: count,
  };
}

const CURSOR_PREFIX = 'k:';

export function encodeCursor(key: string): string {
  return Buffer.from(CURSOR_PREFIX + key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX) || unstorableText(decoded) !== undefined) {
    throw badUserInput(`after: "${cursor}" is not a cursor from this list`, { argument: 'after' });
  }
  return decoded.slice(CURSOR_PREFIX.length);
}
