/**
 * Hive Gateway in front of gridgraph's subgraphs (deploy/gateway/README.md):
 *
 *   npm run gateway            # hive-gateway supergraph deploy/gateway/supergraph.graphql -c deploy/gateway/gateway.config.ts
 *
 * The gateway decides nothing about access: every subgraph verifies the token
 * and enforces classification, masks, purpose, row scope and audit itself. The
 * gateway only forwards who is asking, and keeps a subgraph's refusal of the
 * token as the HTTP answer it is (401 + WWW-Authenticate), not a 200.
 */
import { defineConfig, type GatewayPlugin } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { Kind, parse, type SelectionSetNode } from 'graphql';

/** The headers every subgraph needs to decide and audit as the single process does. */
const FORWARDED_HEADERS = ['authorization', 'x-access-purpose', 'x-request-id'];

/**
 * A subgraph that refused the caller's token answered 401: the client gets 401
 * and the subgraph's `WWW-Authenticate` too (the gateway alone would turn it
 * into 200 with an UNAUTHENTICATED error).
 */
function useSubgraphAuthenticationRefusals(): GatewayPlugin {
  const refused = new WeakMap<Request, string>();
  return {
    onFetch({ context }) {
      const request = 'request' in context ? (context.request as Request | undefined) : undefined;
      return ({ response }) => {
        if (request !== undefined && response.status === 401) refused.set(request, response.headers.get('www-authenticate') ?? 'Bearer realm="gridgraph"');
      };
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      const challenge = refused.get(request);
      if (challenge === undefined) return;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('www-authenticate', challenge);
      setResponse(new fetchAPI.Response(await response.text(), { status: 401, headers }));
    },
  };
}

/**
 * A subgraph that cannot be reached (or answers 5xx) becomes a GraphQL answer
 * saying so, department by name, in the code the single process gives a source
 * that is down (`SOURCE_UNAVAILABLE`): each entity it was asked for is there
 * with `null` in the fields asked of it, and an error at each of those paths —
 * the gateway puts them where the entities are in the client's answer. The
 * other departments' data stands.
 */
function useUnavailableSubgraphs(): GatewayPlugin {
  return {
    onFetch({ executionRequest, options, fetchFn, setFetchFn }) {
      const subgraph = executionRequest?.subgraphName ?? 'a department';
      setFetchFn(async (url, init, ...rest) => {
        try {
          const response = await fetchFn(url, init, ...rest);
          if (response.status < 500) return response;
        } catch {
          // unreachable: answered below
        }
        return Response.json(unavailableAnswer(subgraph, typeof options.body === 'string' ? options.body : undefined));
      });
    },
  };
}

function unavailableAnswer(subgraph: string, body: string | undefined) {
  const error = (path?: (string | number)[]) => ({
    message: `the ${subgraph} subgraph is unavailable: its fields are null`,
    ...(path === undefined ? {} : { path }),
    extensions: { code: 'SOURCE_UNAVAILABLE', source: subgraph },
  });
  let request: { query?: string; variables?: { representations?: { __typename: string }[] } } = {};
  try {
    request = JSON.parse(body ?? '{}');
  } catch {
    // not JSON: no entity to name
  }
  const representations = request.variables?.representations;
  if (representations === undefined || request.query === undefined) return { data: null, errors: [error()] };
  const fields = entityFields(request.query);
  return {
    data: { _entities: representations.map((r) => ({ ...r, ...Object.fromEntries(fields.map((f) => [f, null])) })) },
    errors: representations.flatMap((_, i) => fields.map((f) => error(['_entities', i, f]))),
  };
}

/** The fields an `_entities` fetch asks of its entities (its inline fragments' own fields, `__typename` and keys aside). */
function entityFields(query: string): string[] {
  const fields = new Set<string>();
  const collect = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (selection.kind === Kind.FIELD && selection.name.value !== '__typename' && selection.name.value !== 'id') fields.add(selection.alias?.value ?? selection.name.value);
    }
  };
  for (const definition of parse(query).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const root of definition.selectionSet.selections) if (root.kind === Kind.FIELD && root.name.value === '_entities') collect(root.selectionSet);
  }
  return [...fields];
}

export const gatewayConfig = defineConfig({
  // GRIDGRAPH_SUPERGRAPH: another composition (`gridgraph supergraph --url … --out F`), e.g. subgraphs on other hosts.
  // Hive Router's query planner (Rust, as a native addon): an error inside a list fetched from another subgraph keeps
  // its full path, list index included, as the single process gives it; the default JavaScript planner drops the index.
  unifiedGraphHandler,
  supergraph: process.env.GRIDGRAPH_SUPERGRAPH ?? new URL('./supergraph.graphql', import.meta.url).pathname,
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
  plugins: () => [useSubgraphAuthenticationRefusals(), useUnavailableSubgraphs()],
});
