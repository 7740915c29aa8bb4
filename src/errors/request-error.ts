import { GraphQLError } from 'graphql';
import type { GridgraphError } from './gridgraph-error.js';

/**
 * A GridgraphError raised about the request as a whole (before execution), as
 * the GraphQLError Apollo Server expects from a plugin or validation rule: it
 * carries the HTTP status Apollo answers with, and `formatError` finds the
 * GridgraphError beneath it for the message and code.
 */
export function requestError(error: GridgraphError, status: number): GraphQLError {
  return new GraphQLError(error.message, { originalError: error, extensions: { code: error.code, http: { status } } });
}

/** The body every error answered outside GraphQL execution has: GraphQL-shaped, with a code. */
export function errorBody(error: GridgraphError): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  return { errors: [{ message: error.message, extensions: { ...error.details, code: error.code } }] };
}
