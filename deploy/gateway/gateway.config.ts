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
  plugins: () => [useSubgraphAuthenticationRefusals()],
});
