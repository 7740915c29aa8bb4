import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from './error-code.js';
import { GridgraphError } from './gridgraph-error.js';
import { logServerError } from '../observability/logger.js';

/**
 * The one place that decides what of an error reaches a client: a GridgraphError's
 * message and code; errors GraphQL or Apollo Server raise about the request itself
 * (parse, validation, variables) as they are; for anything else "Internal server
 * error" — never a stack trace, SQL text or host name.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = innermost(error);
  const { locations, path } = formatted;
  if (original instanceof GridgraphError) {
    return { message: original.message, locations, path, extensions: { ...original.details, code: original.code } };
  }
  if (isGraphQLError(original)) {
    const code = formatted.extensions?.code ?? original.extensions.code;
    // Apollo Server gives some refusals of a request only a 4xx status (a persisted query's hash that does not match its
    // document, an unknown persisted query version) and then calls them INTERNAL_SERVER_ERROR: they are the client's.
    const clientError = code === 'INTERNAL_SERVER_ERROR' && isClientStatus(original.extensions.http);
    return { message: formatted.message, locations, path, extensions: { code: clientError ? 'BAD_REQUEST' : typeof code === 'string' ? code : ErrorCode.INTERNAL } };
  }
  logServerError('internal error', original);
  return { message: 'Internal server error', locations, path, extensions: { code: ErrorCode.INTERNAL } };
}

function isClientStatus(http: unknown): boolean {
  const status = (http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

interface GraphQLErrorLike extends Error {
  extensions: Record<string, unknown>;
  originalError?: unknown;
}

/**
 * Recognised by shape, not `instanceof`: the error may come from another copy of
 * `graphql` (its CommonJS and ES module builds are distinct classes).
 */
function isGraphQLError(error: unknown): error is GraphQLErrorLike {
  return error instanceof Error && typeof (error as Partial<GraphQLErrorLike>).extensions === 'object' && 'originalError' in error;
}

/** The error that was thrown, beneath the GraphQL errors that wrap it on its way out. */
function innermost(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError instanceof Error) current = current.originalError;
  return current;
}
