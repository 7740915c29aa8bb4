import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode, type FragmentDefinitionNode } from 'graphql';
import { writeAuditFor } from '../audit/audit-writer.js';
import { ErrorCode } from '../errors/error-code.js';
import type { GraphContext } from '../graph/context.js';
import { nonPublicFields } from '../access/public-view.js';
import { logServerError } from '../observability/logger.js';

/** What a caller without a token may ask for: the public door-plate view. */
const ANONYMOUS_ROOT_FIELDS = new Set(['doorPlate', '__typename']);
/** The schema itself: open to callers without a token only when configured (development). */
const INTROSPECTION_ROOT_FIELDS = ['__schema', '__type'];

export interface AccessPluginOptions {
  /** Callers without a token may introspect the schema. `GRIDGRAPH_ANONYMOUS_INTROSPECTION`. @default false */
  readonly anonymousIntrospection?: boolean;
  /** More root fields a caller without a token may ask for (`@public` fields below them only): a subgraph's `_entities`. @default [] */
  readonly anonymousRootFields?: readonly string[];
}

/**
 * The request-level half of access control. Before execution: a caller without
 * a token asking for anything but the door-plate view — the schema included,
 * unless `anonymousIntrospection` — gets 401 with `WWW-Authenticate: Bearer`.
 * Before the response leaves: the audit records of every unmasked L3/L4 value
 * it carries are written; if they cannot be, the response is withheld
 * (FORBIDDEN) — fail closed.
 */
export function accessPlugin(options: AccessPluginOptions = {}): ApolloServerPlugin<GraphContext> {
  const anonymousRootFields = new Set([
    ...ANONYMOUS_ROOT_FIELDS,
    ...(options.anonymousRootFields ?? []),
    ...(options.anonymousIntrospection ? INTROSPECTION_ROOT_FIELDS : []),
  ]);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation, document, schema }) {
          if (!contextValue.access.viewer.anonymous || operation === undefined) return;
          const fragments = new Map(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const outside = rootFields(operation, fragments).filter((name) => !anonymousRootFields.has(name));
          if (outside.length === 0) outside.push(...nonPublicFields(schema, document));
          if (operation.operation !== 'query' || outside.length > 0) {
            throw new GraphQLError(`a bearer token is required for ${outside.join(', ') || operation.operation}; without one only doorPlate(code:) is open`, {
              extensions: {
                code: ErrorCode.UNAUTHENTICATED,
                http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer realm="gridgraph"']]) },
              },
            });
          }
        },
        async willSendResponse({ contextValue, operation, operationName, source, response }) {
          // Answers about people are never to be kept by a browser or a proxy.
          response.http.headers.set('cache-control', 'no-store');
          if (operation === undefined || response.body.kind !== 'single') return;
          try {
            await writeAuditFor(
              contextValue.db,
              { viewer: contextValue.access.viewer, requestId: contextValue.requestId, clientAddress: contextValue.clientAddress },
              contextValue.access.audit.drain(operation),
              { operation, operationName: operationName ?? null, document: source ?? '' },
            );
          } catch (error) {
            logServerError('audit write failed, response withheld', error);
            response.body.singleResult = {
              data: null,
              errors: [
                {
                  message: 'sensitive values withheld: the audit record of this response could not be written',
                  extensions: { code: ErrorCode.FORBIDDEN, reason: 'AUDIT_UNAVAILABLE' },
                },
              ],
            };
          }
        },
      };
    },
  };
}

/** The names of the root fields an operation selects, through fragments at the root. */
function rootFields(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string[] {
  const names: string[] = [];
  const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) visit(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return names;
}
