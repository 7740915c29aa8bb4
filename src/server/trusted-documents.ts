import fs from 'node:fs';
import type { Request, RequestHandler } from 'express';
import { ConfigError } from '../config/config.js';
import { ErrorCode } from '../errors/error-code.js';
import { badUserInput, GridgraphError } from '../errors/gridgraph-error.js';
import { sendError } from './transport-errors.js';

/** The documents a production deployment lets run: each by the hash its clients send. */
export interface TrustedDocuments {
  /** The document a hash names, if it is trusted. */
  byHash(hash: string): string | undefined;
  /** Whether a document's text, as sent, is trusted. */
  includes(document: string): boolean;
}

/**
 * Reads a manifest: the `{ "<hash>": "<document>" }` JSON that graphql-codegen's
 * client preset writes with `persistedDocuments` (README § Limits), or Apollo's
 * persisted query manifest (`{ "operations": [{ "id", "body" }] }`). Any hash
 * algorithm does: hashes are looked up, never recomputed.
 */
export function loadTrustedDocuments(file: string, variable = 'GRAPHQL_TRUSTED_DOCUMENTS'): TrustedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(variable, `cannot read the trusted documents manifest ${file}: ${(error as Error).message}`);
  }
  const entries = manifestEntries(parsed);
  if (entries === undefined) throw new ConfigError(variable, `${file} is not a manifest of { "<hash>": "<document>" } (graphql-codegen) or { "operations": [{ "id", "body" }] } (Apollo)`);
  const documents = new Map(entries);
  const texts = new Set(documents.values());
  return { byHash: (hash) => documents.get(hash), includes: (document) => texts.has(document) };
}

function manifestEntries(manifest: unknown): [string, string][] | undefined {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return undefined;
  const { operations } = manifest as { operations?: unknown };
  const entries: [string, unknown][] = Array.isArray(operations)
    ? operations.map((o: { id?: unknown; body?: unknown }) => [String(o?.id), o?.body])
    : Object.entries(manifest);
  return entries.every((entry): entry is [string, string] => typeof entry[1] === 'string') ? entries : undefined;
}

/**
 * Trusted-documents mode: an operation runs only if its document is in the
 * manifest — named by hash (`documentId`, or the `persistedQuery` extension of
 * Apollo's APQ) or sent in full. A hash is replaced by its document here, so
 * Apollo Server sees an ordinary request; anything else is refused with 403
 * (FORBIDDEN) before it is parsed.
 */
export function trustedDocumentsGate(trusted: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    const operations: unknown[] = req.method === 'GET' ? [] : Array.isArray(req.body) ? req.body : [req.body];
    const refusal = req.method === 'GET' ? admitGet(req, trusted) : operations.map((o) => admit(o, trusted)).find((r) => r !== undefined);
    if (refusal !== undefined) {
      sendError(res, refusal.code === ErrorCode.FORBIDDEN ? 403 : 400, refusal);
      return;
    }
    next();
  };
}

interface OperationRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

/** Fills in an operation's document from the manifest; the reason it may not run, if it may not. */
function admit(operation: unknown, trusted: TrustedDocuments): GridgraphError | undefined {
  if (typeof operation !== 'object' || operation === null) return undefined;
  const request = operation as OperationRequest;
  const hash = typeof request.documentId === 'string' ? request.documentId : request.extensions?.persistedQuery?.sha256Hash;
  if (typeof request.query === 'string') {
    if (typeof hash === 'string' && trusted.byHash(hash) !== undefined && trusted.byHash(hash) !== request.query) return badUserInput('the document sent does not match the hash sent with it', { reason: 'HASH_MISMATCH' });
    return trusted.includes(request.query) ? undefined : untrusted();
  }
  if (typeof hash !== 'string') return undefined; // Apollo Server answers that a query is missing.
  const document = trusted.byHash(hash);
  if (document === undefined) return untrusted();
  request.query = document;
  delete request.documentId;
  delete request.extensions?.persistedQuery;
  return undefined;
}

/** A GET carries its operation in the URL, which Apollo Server reads again: a hash is replaced there. */
function admitGet(req: Request, trusted: TrustedDocuments): GridgraphError | undefined {
  const url = new URL(req.url, 'http://gridgraph.invalid');
  const params = url.searchParams;
  let extensions: OperationRequest['extensions'];
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    return undefined; // Apollo Server answers that the extensions are not JSON.
  }
  const operation: OperationRequest = { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
  const refusal = admit(operation, trusted);
  if (refusal !== undefined || params.has('query') || typeof operation.query !== 'string') return refusal;
  params.set('query', operation.query);
  params.delete('documentId');
  params.delete('extensions');
  req.url = `${url.pathname}?${params.toString()}`;
  return undefined;
}

function untrusted(): GridgraphError {
  return new GridgraphError(ErrorCode.FORBIDDEN, 'only trusted documents may run on this server, and this one is not in its manifest', { reason: 'UNTRUSTED_DOCUMENT' });
}
