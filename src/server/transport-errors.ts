import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import express from 'express';
import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError, badUserInput } from '../errors/gridgraph-error.js';
import { errorBody } from '../errors/request-error.js';
import { logServerError } from '../observability/logger.js';

/** The largest request body read: far above any document the token limit lets through, with room for `nodes(ids:)` variables. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Why a transport error happened, sent as `extensions.reason` beside the code. */
const TransportReason = {
  MALFORMED_JSON: 'MALFORMED_JSON',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNSUPPORTED_CHARSET: 'UNSUPPORTED_CHARSET',
  UNSUPPORTED_ENCODING: 'UNSUPPORTED_ENCODING',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
} as const;

/** Sends a GridgraphError as GraphQL-shaped JSON with this status. */
export function sendError(res: Response, status: number, error: GridgraphError): void {
  res.status(status).set('cache-control', 'no-store').json(errorBody(error));
}

/**
 * Reads a GraphQL request's body: JSON only (the GraphQL-over-HTTP media type),
 * in UTF-8 (or the UTF-16/32 body-parser decodes), at most MAX_BODY_BYTES.
 * A POST in any other media type is refused with 415 before it is read; a
 * request without a body (GET) gets `req.body` set to undefined, which is what
 * the Apollo integration expects of a request with none.
 */
export function graphqlBody(): RequestHandler[] {
  const json = express.json({ limit: MAX_BODY_BYTES, type: isJson });
  return [
    (req, res, next) => {
      if (req.method === 'POST' && !isJson(req)) {
        sendError(res, 415, transportError(TransportReason.UNSUPPORTED_MEDIA_TYPE, 'a GraphQL request body must be application/json'));
        return;
      }
      next();
    },
    json,
    (req, _res, next) => {
      if (!Object.hasOwn(req, 'body')) req.body = undefined;
      next();
    },
  ];
}

function isJson(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || type === 'application/graphql-response+json';
}

/**
 * The last error handler: whatever Express or its body parser raised answers as
 * GraphQL-shaped JSON with the status it stands for (400, 413, 415) — never
 * Express's HTML page, a stack or a path, whatever NODE_ENV says. Anything not
 * a client error is INTERNAL, logged here and described to the client in no detail.
 */
export function transportErrorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, reply } = describeTransportError(error);
    if (status >= 500) logServerError('internal error', error);
    sendError(res, status, reply);
  };
}

/** Unknown routes: a JSON 404 naming where the graph is, nothing else. */
export function notFound(graphqlPath: string): RequestHandler {
  return (_req, res) => {
    sendError(res, 404, new GridgraphError(ErrorCode.NOT_FOUND, `no such route; the graph is served at ${graphqlPath}`));
  };
}

/** body-parser and Express mark client errors with a `type` and a 4xx `status`; their messages are not for clients. */
function describeTransportError(error: unknown): { status: number; reply: GridgraphError } {
  const { status, type } = (typeof error === 'object' && error !== null ? error : {}) as { status?: unknown; type?: unknown };
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, reply: transportError(TransportReason.MALFORMED_JSON, 'the request body is not a JSON object or array') };
    case 'entity.too.large':
      return { status: 413, reply: transportError(TransportReason.BODY_TOO_LARGE, `the request body is larger than ${MAX_BODY_BYTES} bytes`) };
    case 'charset.unsupported':
      return { status: 415, reply: transportError(TransportReason.UNSUPPORTED_CHARSET, 'the request body must be UTF-8') };
    case 'encoding.unsupported':
      return { status: 415, reply: transportError(TransportReason.UNSUPPORTED_ENCODING, 'the Content-Encoding of the request body is not supported') };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, reply: transportError(TransportReason.MALFORMED_REQUEST, 'the request could not be read') };
  }
  return { status: 500, reply: new GridgraphError(ErrorCode.INTERNAL, 'Internal server error') };
}

function transportError(reason: keyof typeof TransportReason, message: string): GridgraphError {
  return badUserInput(message, { reason });
}
