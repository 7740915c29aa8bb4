import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ObservedRequest } from './hooks.js';
import { logger, requestLogContext } from './logger.js';
import { codeLabel, metrics, operationLabel, type RequestOutcome } from './metrics.js';
import { endSpan, incomingContext, startSpan, tracingOn } from './tracing.js';

/** One operation of a request as the Apollo plugin saw it. */
interface SeenOperation {
  /** The operation's name as a label (see operationLabel). */
  operation: string;
  hasData: boolean;
  codes: string[];
}

/** What is known of one GraphQL HTTP request while it runs; kept in `res.locals`. */
interface RequestState extends ObservedRequest {
  readonly started: number;
  readonly operations: SeenOperation[];
  /** Codes of an answer written before Apollo (a refused token, an unreadable body, a gate). */
  earlyCodes: string[];
  httpSpan?: Span;
  httpContext?: Context;
}

/** A request id a client may choose: short, plain characters (it goes into the log and the audit record). */
const PLAIN_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function stateOf(res: Response): RequestState | undefined {
  return res.locals.observed as RequestState | undefined;
}

/**
 * First on the GraphQL route: gives the request an id (a plain `x-request-id`
 * the client sent, else a new one — also on the answer), starts its HTTP span
 * under an incoming `traceparent`, and when the answer is sent writes its log
 * line and its metrics.
 */
export function observeRequests(route: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given !== undefined && PLAIN_REQUEST_ID.test(given) ? given : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const state: RequestState = { requestId, started: performance.now(), operations: [], earlyCodes: [] };
    res.locals.observed = state;
    if (tracingOn()) {
      const parent = incomingContext(req.headers);
      state.httpSpan = startSpan(`${req.method} ${route}`, { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_HTTP_ROUTE]: route }, parent, SpanKind.SERVER);
      state.httpContext = trace.setSpan(parent, state.httpSpan);
    }
    // Answers written before Apollo (gates, transport errors) are JSON: their codes are read on the way out.
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      state.earlyCodes = codesOf(body);
      return json(body);
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      finished(state, res);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/**
 * Right before Apollo (async context does not survive the body parser): the
 * rest of the request runs with its id for the log and, tracing on, under its
 * HTTP span.
 */
export function requestContext(): RequestHandler {
  return (_req, res, next) => {
    const state = stateOf(res);
    if (state === undefined) return next();
    if (state.httpContext !== undefined) return context.with(state.httpContext, () => requestLogContext.run(state, next));
    requestLogContext.run(state, next);
  };
}

/** The request's outcome, metrics and log line. */
function finished(state: RequestState, res: Response): void {
  const seconds = (performance.now() - state.started) / 1000;
  const status = res.statusCode;
  const operations = state.operations;
  const operation = operations.length === 0 ? 'unknown' : operations.length === 1 ? operations[0].operation : 'batch';
  const codes = operations.length === 0 ? state.earlyCodes : operations.flatMap((seen) => seen.codes);
  const outcome: RequestOutcome =
    !res.writableFinished || status >= 400 || operations.some((seen) => !seen.hasData && seen.codes.length > 0) || (operations.length === 0 && codes.length > 0)
      ? 'error'
      : codes.length > 0
        ? 'partial'
        : 'success';
  metrics.request(operation, outcome, seconds, codes);
  // Who asked, as authentication left it (access/viewer.ts `Viewer`): only these two fields are logged.
  const viewer = res.locals.viewer as { readonly subject: string; readonly roles: readonly string[] } | undefined;
  logger.info(
    {
      reqId: state.requestId,
      operation,
      ...(operations.length > 1 ? { operations: operations.map((seen) => seen.operation) } : {}),
      durationMs: Math.round(seconds * 10_000) / 10,
      status,
      outcome,
      errorCodes: codes,
      subject: viewer?.subject ?? 'anonymous',
      roles: viewer?.roles ?? [],
      ...(res.writableFinished ? {} : { aborted: true }),
      ...(state.httpSpan === undefined ? {} : { traceId: state.httpSpan.spanContext().traceId }),
    },
    'request',
  );
  if (state.httpSpan !== undefined) {
    state.httpSpan.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    state.httpSpan.setAttribute('graphql.operation.name', operation);
    endSpan(state.httpSpan, status >= 500 ? new Error(`status ${status}`) : undefined);
  }
}

/** The codes of a GraphQL-shaped answer's errors. */
function codesOf(body: unknown): string[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((error) => codeLabel((error as { extensions?: { code?: unknown } } | null)?.extensions?.code));
}

/**
 * Per operation: its name and error codes for the request's log line and
 * metrics; with tracing on, a span per operation with parse, validate and
 * execute beneath it. (Internal errors reach the log through formatError.)
 */
export function observabilityPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const state = requestLogContext.getStore() as RequestState | undefined;
      const seen: SeenOperation = { operation: 'anonymous', hasData: true, codes: [] };
      state?.operations.push(seen);
      const spans = tracingOn();
      const operationSpan = spans ? startSpan('graphql.operation', {}) : undefined;
      const operationContext = operationSpan === undefined ? undefined : trace.setSpan(context.active(), operationSpan);
      const child = (name: string) => {
        if (operationContext === undefined) return undefined;
        const span = startSpan(name, {}, operationContext);
        return async (error?: unknown) => endSpan(span, error);
      };
      return {
        async parsingDidStart() {
          return child('graphql.parse');
        },
        async validationDidStart() {
          const end = child('graphql.validate');
          return end === undefined ? undefined : (errors?: readonly Error[]) => end(errors?.[0]);
        },
        async didResolveOperation({ operationName, operation }) {
          seen.operation = operationLabel(operationName ?? operation?.name?.value ?? null);
          if (operationSpan !== undefined && operation !== undefined) {
            operationSpan.updateName(`graphql.${operation.operation} ${seen.operation}`);
            operationSpan.setAttributes({ 'graphql.operation.type': operation.operation, 'graphql.operation.name': seen.operation });
          }
        },
        async executionDidStart() {
          if (operationContext === undefined) return;
          const span = startSpan('graphql.execute', {}, operationContext);
          if (state !== undefined) state.executeContext = trace.setSpan(operationContext, span);
          return { async executionDidEnd(error) {
            endSpan(span, error);
          } };
        },
        async willSendResponse({ response }) {
          if (response.body.kind === 'single') {
            const result = response.body.singleResult;
            seen.codes = codesOf(result);
            seen.hasData = result.data !== undefined && result.data !== null;
          }
          if (operationSpan !== undefined) endSpan(operationSpan, seen.codes.length > 0 && !seen.hasData ? new Error('operation failed') : undefined);
        },
      };
    },
  };
}
