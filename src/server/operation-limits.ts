import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { RequestHandler } from 'express';
import { GraphQLError, Lexer, Source, TokenKind, type ValidationRule } from 'graphql';
import { badUserInput, type GridgraphError } from '../errors/gridgraph-error.js';
import { requestError } from '../errors/request-error.js';
import { sendError } from './transport-errors.js';
import type { OperationLimits } from '../config/config.js';


/** The refusal of a request over a limit. */
export function limitExceeded(limit: keyof OperationLimits, maximum: number, message: string): GridgraphError {
  return badUserInput(message, { reason: 'OPERATION_LIMIT', limit, maximum });
}

/**
 * The limits checked on the request as it arrives, before Apollo Server parses
 * anything: the batch size, and the tokens of each document (counted by
 * graphql-js's own lexer, which stops at the first token over the limit, so a
 * flood costs no more than the limit).
 */
export function operationGate(limits: OperationLimits): RequestHandler {
  return (req, res, next) => {
    const operations = Array.isArray(req.body) ? req.body : [req.method === 'GET' ? req.query : req.body];
    if (operations.length > limits.batch) {
      sendError(res, 400, limitExceeded('batch', limits.batch, `Batch limit of ${limits.batch} operations exceeded, found ${operations.length}.`));
      return;
    }
    for (const operation of operations) {
      const query = typeof operation === 'object' && operation !== null ? (operation as { query?: unknown }).query : undefined;
      if (typeof query === 'string' && tokensOver(query, limits.tokens)) {
        sendError(res, 400, limitExceeded('tokens', limits.tokens, `Token limit of ${limits.tokens} exceeded.`));
        return;
      }
    }
    next();
  };
}

/** Whether the document has more than `maximum` tokens; a document that does not lex is left for the parser to report. */
function tokensOver(query: string, maximum: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; count++) {
      if (count >= maximum) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * GraphQL Armor's depth, alias and directive rules, run with graphql-js's own
 * validation. Their refusal is reported as an error of gridgraph's taxonomy
 * instead of thrown, so Apollo Server answers it as a validation error (400).
 */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  const refuse = (limit: keyof OperationLimits) => ({
    n: limits[limit],
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: { reportError(error: GraphQLError): void } | null, error: GraphQLError) =>
        context?.reportError(requestError(limitExceeded(limit, limits[limit], error.message.replace(/^Syntax Error: /, '')), 400)),
    ],
  });
  return [
    maxDepthRule({ ...refuse('depth'), flattenFragments: true }) as ValidationRule,
    maxAliasesRule(refuse('aliases')) as ValidationRule,
    maxDirectivesRule(refuse('directives')) as ValidationRule,
  ];
}
