import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { type ExecutionArgs, getOperationAST, GraphQLError, type GraphQLSchema, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type GridLookup, type Viewer, viewerFromToken } from '../access/viewer.js';
import { writeAuditFor } from '../audit/audit-writer.js';
import { PURPOSE_HEADER } from '../auth/authenticate.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { ErrorCode } from '../errors/error-code.js';
import { createGraphContext, type GraphContext, type GraphServices } from '../graph/context.js';
import type { EventFeed, FeedContext } from '../statistics/event-feed.js';
import type { OperationLimits } from '../config/config.js';
import type { RoleTable } from '../access/roles.js';
import { limitValidationRules } from './operation-limits.js';

export interface EventFeedServerOptions {
  /** The executable, access-enforcing schema the HTTP endpoint serves. */
  readonly schema: GraphQLSchema;
  /** The same verifier as the HTTP endpoint's. */
  readonly verifier: TokenVerifier;
  readonly existingGrids: GridLookup;
  /** The roles this hub serves (each served connector's department role): as the HTTP endpoint reads tokens. */
  readonly roles: RoleTable;
  /** The services of every request; the hub's key is read when first needed. */
  readonly services: () => Promise<GraphServices>;
  readonly feed: EventFeed;
  readonly limits: OperationLimits;
  /** The path to serve at: the GraphQL endpoint's own. */
  readonly path: string;
}

/** A running subscription endpoint. */
export interface EventFeedServer {
  /** Closes every subscription and the WebSocket server. */
  close(): Promise<void>;
}

/**
 * GraphQL subscriptions over WebSocket (`graphql-ws`, protocol
 * `graphql-transport-ws`) on the HTTP server's own port and path. The socket is
 * authenticated once, at `connection_init`, by the same bearer token as a
 * query (in the payload's `authorization`, or the upgrade request's
 * `Authorization` header; purpose likewise in `x-access-purpose`): no valid
 * token, no connection (closed 4403). Only subscriptions run here, against the
 * same access-enforcing schema and the same document limits as a query; each
 * message writes the audit records of what it carries before it leaves, or is
 * withheld.
 */
export function serveEventFeed(httpServer: http.Server, options: EventFeedServerOptions): EventFeedServer {
  const wsServer = new WebSocketServer({ server: httpServer, path: options.path });
  const viewers = new WeakMap<object, Viewer>();
  const rules = [...specifiedRules, ...limitValidationRules(options.limits)];
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = stringOf(params.authorization) ?? ctx.extra.request.headers.authorization;
        const token = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
        if (token === undefined) return false;
        try {
          const claims = await options.verifier.verify(token);
          const purposeHeader = ctx.extra.request.headers[PURPOSE_HEADER];
          const purpose = stringOf(params[PURPOSE_HEADER]) ?? (typeof purposeHeader === 'string' ? purposeHeader : undefined);
          viewers.set(ctx, await viewerFromToken(claims, purpose, options.existingGrids, options.roles));
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const viewer = viewers.get(ctx);
        if (viewer === undefined) return [new GraphQLError('unauthenticated', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.limits.tokens });
        } catch (error) {
          return [new GraphQLError(error instanceof Error ? error.message : 'unreadable document', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (operation?.operation !== 'subscription') {
          return [new GraphQLError('only subscriptions are served over WebSocket; send queries to /graphql over HTTP', { extensions: { code: ErrorCode.BAD_USER_INPUT } })];
        }
        const context: GraphContext & FeedContext = {
          ...createGraphContext(await options.services(), viewer, { requestId: randomUUID(), clientAddress: ctx.extra.request.socket.remoteAddress }),
          eventFeed: options.feed,
        };
        return { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context } satisfies ExecutionArgs;
      },
      onNext: async (_ctx, _id, payload, args, result) => {
        const operation = getOperationAST(args.document, args.operationName);
        if (operation == null) return result;
        try {
          const context = args.contextValue as GraphContext;
          await writeAuditFor(
            context.db,
            { viewer: context.access.viewer, requestId: context.requestId, clientAddress: context.clientAddress },
            context.access.audit.drain(operation),
            { operation, operationName: args.operationName ?? null, document: payload.query },
          );
          return result;
        } catch {
          return { errors: [{ message: 'sensitive values withheld: the audit record of this message could not be written', extensions: { code: ErrorCode.FORBIDDEN, reason: 'AUDIT_UNAVAILABLE' } }] };
        }
      },
    },
    wsServer,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
