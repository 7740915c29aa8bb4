import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { connectors } from '../../connectors/index.js';
import { configureLogger } from '../../src/observability/logger.js';
import { startTracing, type TracingSetup } from '../../src/observability/tracing.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { DOSSIER, type ObservedWorld, startObservedWorld } from './observed-world.js';
import { scrape } from './prometheus-text.js';

/** Every line the process logs, at the most verbose level. */
const lines: string[] = [];
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
const spans = new InMemorySpanExporter();
let tracing: TracingSetup;
let world: ObservedWorld;
let plate: string;

beforeAll(async () => {
  configureLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
  tracing = startTracing({ processor: new SimpleSpanProcessor(spans) })!;
  world = await startObservedWorld();
  plate = await world.busiestDoorPlate();
}, 300_000);
afterAll(async () => {
  await world?.close();
  await tracing?.shutdown();
});

describe(`the log (${testDatabaseKind})`, () => {
  it('has one JSON line per request: its id, operation, duration, status, error codes, subject and roles', async () => {
    const before = logged().filter((line) => line.msg === 'request').length;
    const ok = await world.post({ query: DOSSIER, variables: { plate, n: 5 } }, { headers: { 'x-request-id': 'case-2024.017' } });
    const refused = await world.post({ query: '{ grids(first: 1) { totalCount } }' }, { as: null });
    const requests = logged().filter((line) => line.msg === 'request').slice(before);
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(ok.headers.get('x-request-id')).toBe('case-2024.017');
    expect(first).toMatchObject({ level: 'info', reqId: 'case-2024.017', operation: 'Dossier', status: 200, outcome: 'success', errorCodes: [], subject: 'test-all-departments' });
    expect(first.roles).toEqual(['dept-police', 'dept-civil-affairs', 'dept-governance', 'dept-city-management', 'dept-market-regulation']);
    expect(first.durationMs).toBeGreaterThan(0);
    expect(Date.parse(first.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(second).toMatchObject({ reqId: refused.headers.get('x-request-id'), operation: 'anonymous', status: 401, outcome: 'error', errorCodes: ['UNAUTHENTICATED'], subject: 'anonymous', roles: [] });
    expect(second.reqId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces a request id that is not plain text, in the answer and the log', async () => {
    const response = await world.post({ query: '{ __typename }' }, { headers: { 'x-request-id': 'zhang san 13800138000 <script>' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged().at(-1)).toMatchObject({ msg: 'request', reqId: id });
  });

  it('writes a server error with its stack to the log only, with the request id', async () => {
    await sql`alter table audit_log rename to audit_log_away`.execute(world.hub.db);
    try {
      const response = await world.post({ query: DOSSIER, variables: { plate, n: 2 } });
      expect(response.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'AUDIT_UNAVAILABLE' });
      expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at |audit_log/);
      const error = logged().find((line) => line.level === 'error' && line.reqId === response.headers.get('x-request-id'));
      expect(error?.msg).toBe('audit write failed, response withheld');
      expect(error?.err.stack).toMatch(/\n\s+at /);
      expect(error?.err.message).toContain('audit_log');
    } finally {
      await sql`alter table audit_log_away rename to audit_log`.execute(world.hub.db);
    }
  });
});

describe(`traces (${testDatabaseKind})`, () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  let trace: ReadableSpan[];
  const named = (name: string) => trace.filter((span) => span.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;

  beforeAll(async () => {
    spans.reset();
    // A document of its own: one Apollo has cached skips parsing and validation, and their spans.
    const response = await world.post({ query: `${DOSSIER}\n# traced`, variables: { plate, n: 5 } }, { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } });
    expect(response.body.errors).toBeUndefined();
    trace = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  });

  it("continues the caller's trace: the request's span is a child of the incoming traceparent", () => {
    const http = named('POST /graphql');
    expect(http).toHaveLength(1);
    expect(parentOf(http[0])).toBe(callerSpanId);
    expect(http[0].attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });
  });

  it('has the operation under the request, and parse, validate and execute under the operation', () => {
    const [http] = named('POST /graphql');
    const operation = named('graphql.query Dossier');
    expect(operation).toHaveLength(1);
    expect(parentOf(operation[0])).toBe(idOf(http));
    expect(operation[0].attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Dossier' });
    for (const phase of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      expect(named(phase).map(parentOf), phase).toEqual([idOf(operation[0])]);
    }
  });

  it('has a span per source read batch under execute, with the connector and database attributes and never a parameter', () => {
    const [execute] = named('graphql.execute');
    const reads = named('source.read');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    const connectorNames = connectors.map((c) => c.name);
    for (const read of reads) {
      expect(parentOf(read)).toBe(idOf(execute));
      expect(Object.keys(read.attributes).sort()).toEqual(['db.operation.name', 'db.system.name', 'gridgraph.connector']);
      expect(read.attributes['db.system.name']).toBe('postgresql');
      expect(connectorNames).toContain(read.attributes['gridgraph.connector']);
    }
    expect(new Set(reads.map((read) => read.attributes['gridgraph.connector']))).toContain('police');
  });

  it('has the audit commit of the answer in the same trace', () => {
    const commits = named('audit.commit');
    expect(commits.length).toBeGreaterThanOrEqual(1);
    expect(commits[0].attributes['gridgraph.audit.records']).toBeGreaterThan(0);
    expect(trace.map(idOf)).toContain(parentOf(commits[0]));
  });

  it('had a span per sync chunk when the sources were synced', async () => {
    spans.reset();
    const { syncSource } = await import('../../src/sync/sync-source.js');
    const { AddressResolver } = await import('../../src/address/address-resolver.js');
    const police = world.sources.find((s) => s.connector.name === 'police')!;
    await syncSource(world.hub.db, police, new AddressResolver(world.hub.db), { full: true, chunkSize: 100 });
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table('T_RK_RKXX')}`.execute(police.db);
    const chunks = spans.getFinishedSpans().filter((span) => span.name === 'sync.chunk' && span.attributes['gridgraph.table'] === 'T_RK_RKXX');
    expect(chunks).toHaveLength(Math.ceil(Number(rows[0].n) / 100));
    expect(chunks.reduce((sum, span) => sum + Number(span.attributes['gridgraph.rows']), 0)).toBe(Number(rows[0].n));
    expect(chunks.every((span) => span.attributes['gridgraph.connector'] === 'police')).toBe(true);
  });
});

describe(`no personal data in logs, metric labels or spans (${testDatabaseKind})`, () => {
  it('after a dossier with every value in full, none of its ID numbers, phones or names appears anywhere', async () => {
    const response = await world.post({ query: DOSSIER, variables: { plate, n: 100 } });
    expect(response.body.errors).toBeUndefined();
    const values = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        // Masked values (Person.phone always is) say nothing; the full ones are what must not leak.
        if (['idNumber', 'phone', 'name'].includes(key) && typeof value === 'string') {
          if (!value.includes('*')) values.add(value);
        } else collect(value);
      }
    };
    collect(response.body.data);
    const ids = [...values].filter((v) => /^\d{17}[\dX]$/.test(v));
    const phones = [...values].filter((v) => /^1\d{10}$/.test(v));
    // Full values, and many: the test would prove nothing over masked ones.
    expect(ids.length).toBeGreaterThan(10);
    expect(phones.length).toBeGreaterThan(5);
    expect(values.size - ids.length - phones.length).toBeGreaterThan(10);

    const samples = await scrape(world.server.metricsUrl!);
    const labels = samples.flatMap((sample) => Object.values(sample.labels));
    const attributes = spans.getFinishedSpans().flatMap((span) => [span.name, ...Object.values(span.attributes).map(String)]);
    expect(lines.length).toBeGreaterThan(5);
    expect(labels.length).toBeGreaterThan(50);
    expect(attributes.length).toBeGreaterThan(50);
    for (const value of values) {
      const found = [...lines.filter((line) => line.includes(value)), ...labels.filter((label) => label.includes(value)), ...attributes.filter((a) => a.includes(value))];
      expect(found, value).toEqual([]);
    }
  });
});
