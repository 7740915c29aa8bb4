import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { badUserInput } from '../errors/gridgraph-error.js';
import type { OpaqueIds } from './opaque-ids.js';

/** The largest page a list returns. */
export const MAX_PAGE_SIZE = 100;

export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * A Relay connection; `totalCount` is counted only when a query asks for it,
 * and cursors are sealed only when asked for: sealing is a cipher and a MAC
 * per cursor, and most screens ask for nodes and one `endCursor`.
 */
export interface Connection<T> {
  edges: () => Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: () => string | null; endCursor: () => string | null };
  totalCount: () => Promise<number>;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/**
 * One forward page of a keyset-ordered list: `fetchPage` returns up to `limit`
 * rows after the given key in key order; one extra row tells whether there is a
 * next page. Cursors are the sort keys sealed by `ids`: they name no key.
 */
export async function paginate<T>(
  ids: OpaqueIds,
  args: PageArgs,
  keyOf: (row: T) => string,
  fetchPage: (afterKey: string | undefined, limit: number) => Promise<T[]>,
  count: () => Promise<number>,
): Promise<Connection<T>> {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be from 0 to ${MAX_PAGE_SIZE}, got ${first}`, { argument: 'first' });
  }
  const afterKey = args.after == null ? undefined : ids.parseCursor(args.after);
  const rows = first === 0 ? [] : await fetchPage(afterKey, first + 1);
  const page = rows.slice(0, first);
  const cursorOf = (node: T | undefined) => (node === undefined ? null : ids.cursor(keyOf(node)));
  return {
    edges: () => page.map((node) => ({ cursor: ids.cursor(keyOf(node)), node })),
    nodes: page,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterKey !== undefined,
      startCursor: () => cursorOf(page[0]),
      endCursor: () => cursorOf(page.at(-1)),
    },
    totalCount: count,
  };
}

/**
 * Whether the query asks this connection for its `totalCount` (directly or
 * through fragments), so the page can bring the count in its own statement.
 * `@skip`/`@include` are not weighed: counting once too often costs a count,
 * never a wrong answer.
 */
export function asksForTotal(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  const asks = (selections: SelectionSetNode | undefined): boolean =>
    selections?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === 'totalCount';
      if (selection.kind === Kind.INLINE_FRAGMENT) return asks(selection.selectionSet);
      return asks(info.fragments[selection.name.value]?.selectionSet);
    }) ?? false;
  return info.fieldNodes.some((field) => asks(field.selectionSet));
}
