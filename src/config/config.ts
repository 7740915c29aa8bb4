import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from '../observability/logger.js';

/**
 * How much one request may ask for (README § Limits). Each is checked before
 * anything is resolved; a request over one is refused with BAD_USER_INPUT,
 * `extensions.reason` OPERATION_LIMIT and `extensions.limit` naming which.
 */
export interface OperationLimits {
  /** Fields nested in fields, fragments flattened (GraphQL Armor counts the same way). @default 7: the address dossier reaches 7 */
  readonly depth: number;
  /** Aliased fields in one operation, `__typename` aside. @default 15 */
  readonly aliases: number;
  /** Lexical tokens in one document, comments aside. @default 1000 */
  readonly tokens: number;
  /** Directives in one operation. @default 50 */
  readonly directives: number;
  /** Estimated fields resolved, page sizes multiplied through nesting (operation-cost.ts). @default 10000: the full address dossier (tests/graph/dossier.test.ts) at 100 per list costs 8,715 */
  readonly cost: number;
  /** Operations in one batched HTTP request. @default 10 */
  readonly batch: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({ depth: 7, aliases: 15, tokens: 1000, directives: 50, cost: 10_000, batch: 10 });

/**
 * Everything gridgraph reads from its environment, validated once at start-up
 * and frozen. Each variable is documented in README.md § Configuration.
 */
export interface Config {
  /** HTTP port of the GraphQL server. `PORT`, default 4000. */
  readonly port: number;
  /** Interface the HTTP server binds to. `HOST`, default `0.0.0.0`. */
  readonly host: string;
  /** Folder of the embedded databases. `GRIDGRAPH_DATA_DIR`, default `./.gridgraph`. */
  readonly dataDir: string;
  /** Hub database on a real PostgreSQL server; unset means the embedded PGlite default. `DATABASE_URL`. */
  readonly databaseUrl: string | undefined;
  /** Load the demo district into an empty registry on start. `GRIDGRAPH_DEMO`, default on for the embedded default only. */
  readonly loadDemo: boolean;
  /** How many demo records `serve` generates per registry room (1 ≈ 20,000 records over ~9,600 residents). `GRIDGRAPH_DEMO_SCALE`, default 1. */
  readonly demoScale: number;
  /** How long a live read from one department source may take before its fields answer SOURCE_UNAVAILABLE. `SOURCE_TIMEOUT_MS`, default 3000. */
  readonly sourceTimeoutMs: number;
  /** Size of the hub's connection pool on a server. `DATABASE_POOL_SIZE`, default 10; the embedded default always uses one connection (see EMBEDDED_POOL_SIZE). */
  readonly poolSize: number;
  /** Callers without a token may introspect the schema (`__schema`, `__type`); for development. `GRIDGRAPH_ANONYMOUS_INTROSPECTION`, default off. */
  readonly anonymousIntrospection: boolean;
  // Deadlines and lifecycle (docs/design.md §9).
  /** While serving, the server cancels a hub statement that runs longer. `DATABASE_STATEMENT_TIMEOUT_MS`, default 5000. */
  readonly hubStatementTimeoutMs: number;
  /** While serving, the longest wait for a hub connection (pool queue plus connect). `DATABASE_ACQUIRE_TIMEOUT_MS`, default 2000. */
  readonly hubAcquireTimeoutMs: number;
  /** Every database wait of one GraphQL request ends by this long after it arrived. `REQUEST_TIMEOUT_MS`, default 10000. */
  readonly requestTimeoutMs: number;
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are closed. `SHUTDOWN_DRAIN_MS`, default 10000. */
  readonly shutdownDrainMs: number;
  /**
   * The production Keycloak realm: `KEYCLOAK_URL`, `KEYCLOAK_REALM`, `KEYCLOAK_CLIENT_ID`, all three or none.
   * None: the development realm, whose key pair lives in the data folder (`gridgraph token` mints its tokens).
   */
  readonly keycloak: { readonly url: string; readonly realm: string; readonly clientId: string; readonly keySetCheckSeconds: number } | undefined;
  /** Seconds a verified bearer token is reused without checking its signature again (never past its `exp`); 0 checks every request. `TOKEN_REUSE_SECONDS`, default 30. */
  readonly tokenReuseSeconds: number;
  /** How much one request may ask for: `GRAPHQL_MAX_DEPTH`, `_ALIASES`, `_TOKENS`, `_DIRECTIVES`, `_COST`, `_BATCH` (README § Limits). */
  readonly operationLimits: OperationLimits;
  /** Trusted-documents mode: the manifest of the only documents that may run. `GRAPHQL_TRUSTED_DOCUMENTS`, unset = any document. */
  readonly trustedDocumentsFile: string | undefined;
  /**
   * Seconds between incremental syncs of every table while serving (and under
   * `gridgraph sync --watch`); 0 turns continuous sync off. `GRIDGRAPH_SYNC_INTERVAL`, default 60.
   */
  readonly syncIntervalSeconds: number;
  // Operating (README § Operating: metrics, traces, logs). Tracing reads the standard OTEL_* variables itself.
  /** Port of Prometheus's `/metrics`, separate from the graph's; undefined: none. `METRICS_PORT`, default 9464, `off` for none. */
  readonly metricsPort: number | undefined;
  /** Interface `/metrics` binds to. `METRICS_HOST`, default `127.0.0.1` (loopback only). */
  readonly metricsHost: string;
  /** Least severe log lines written. `LOG_LEVEL`: fatal, error, warn, info (default), debug, trace, silent. */
  readonly logLevel: LogLevel;
  /** `LOG_FORMAT`: `json` (one JSON object a line) or `pretty` (pino-pretty); default pretty on a terminal, else json. */
  readonly logFormat: 'json' | 'pretty' | undefined;
}

/** A configuration variable that is present but unusable; the message names it. */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Config {
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined) assertPostgresUrl('DATABASE_URL', databaseUrl);
  return Object.freeze({
    port: readInteger(env, 'PORT', 4000, 0, 65535),
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    dataDir: path.resolve(nonEmpty(env.GRIDGRAPH_DATA_DIR) ?? '.gridgraph'),
    databaseUrl,
    loadDemo: readBoolean(env, 'GRIDGRAPH_DEMO', databaseUrl === undefined),
    demoScale: readDecimal(env, 'GRIDGRAPH_DEMO_SCALE', 1, 0.01, 100),
    sourceTimeoutMs: readInteger(env, 'SOURCE_TIMEOUT_MS', 3000, 1, 600_000),
    poolSize: readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    hubStatementTimeoutMs: readInteger(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 5000, 1, 600_000),
    hubAcquireTimeoutMs: readInteger(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 2000, 1, 600_000),
    requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 10_000, 1, 600_000),
    shutdownDrainMs: readInteger(env, 'SHUTDOWN_DRAIN_MS', 10_000, 0, 600_000),
    keycloak: readKeycloak(env),
    tokenReuseSeconds: readInteger(env, 'TOKEN_REUSE_SECONDS', 30, 0, 3600),
    anonymousIntrospection: readBoolean(env, 'GRIDGRAPH_ANONYMOUS_INTROSPECTION', false),
    ...readRequestLimits(env),
    syncIntervalSeconds: readInteger(env, 'GRIDGRAPH_SYNC_INTERVAL', 60, 0, 86_400),
    ...readOperating(env),
  });
}

/** Operation limits and trusted documents (README § Limits): each limit from 1, at most a million. */
function readRequestLimits(env: Env): Pick<Config, 'operationLimits' | 'trustedDocumentsFile'> {
  const limit = (variable: string, fallback: number) => readInteger(env, variable, fallback, 1, 1_000_000);
  const defaults = DEFAULT_OPERATION_LIMITS;
  const file = nonEmpty(env.GRAPHQL_TRUSTED_DOCUMENTS);
  return {
    operationLimits: Object.freeze({
      depth: limit('GRAPHQL_MAX_DEPTH', defaults.depth),
      aliases: limit('GRAPHQL_MAX_ALIASES', defaults.aliases),
      tokens: limit('GRAPHQL_MAX_TOKENS', defaults.tokens),
      directives: limit('GRAPHQL_MAX_DIRECTIVES', defaults.directives),
      cost: limit('GRAPHQL_MAX_COST', defaults.cost),
      batch: limit('GRAPHQL_MAX_BATCH', defaults.batch),
    }),
    trustedDocumentsFile: file === undefined ? undefined : path.resolve(file),
  };
}

/** Metrics port and interface, log level and format. */
function readOperating(env: Env): Pick<Config, 'metricsPort' | 'metricsHost' | 'logLevel' | 'logFormat'> {
  const metricsOff = nonEmpty(env.METRICS_PORT)?.toLowerCase() === 'off';
  const level = nonEmpty(env.LOG_LEVEL)?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  const format = nonEmpty(env.LOG_FORMAT)?.toLowerCase();
  if (format !== undefined && format !== 'json' && format !== 'pretty') throw new ConfigError('LOG_FORMAT', `expected json or pretty, got "${format}"`);
  return {
    metricsPort: metricsOff ? undefined : readInteger(env, 'METRICS_PORT', 9464, 0, 65535),
    metricsHost: nonEmpty(env.METRICS_HOST) ?? '127.0.0.1',
    logLevel: level as LogLevel,
    logFormat: format,
  };
}

function readKeycloak(env: Env): Config['keycloak'] {
  const url = nonEmpty(env.KEYCLOAK_URL);
  const realm = nonEmpty(env.KEYCLOAK_REALM);
  const clientId = nonEmpty(env.KEYCLOAK_CLIENT_ID);
  if (url === undefined && realm === undefined && clientId === undefined) return undefined;
  for (const [variable, value] of [['KEYCLOAK_URL', url], ['KEYCLOAK_REALM', realm], ['KEYCLOAK_CLIENT_ID', clientId]] as const) {
    if (value === undefined) throw new ConfigError(variable, 'missing: KEYCLOAK_URL, KEYCLOAK_REALM and KEYCLOAK_CLIENT_ID go together');
  }
  try {
    const parsed = new URL(url!);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error();
  } catch {
    throw new ConfigError('KEYCLOAK_URL', `expected the Keycloak server's http(s) URL, got "${url}"`);
  }
  return { url: url!.replace(/\/+$/, ''), realm: realm!, clientId: clientId!, keySetCheckSeconds: readInteger(env, 'KEYCLOAK_KEY_SET_CHECK_SECONDS', 60, 1, 86_400) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readInteger(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[variable]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(variable, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readDecimal(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[variable]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(variable, `expected a number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function readBoolean(env: Env, variable: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[variable])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(variable, `expected on or off, got "${raw}"`);
}

function assertPostgresUrl(variable: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, 'not a URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `expected a postgres:// URL, got ${url.protocol}//`);
  }
}
