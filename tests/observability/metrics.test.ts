import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectors } from '../../connectors/index.js';
import { metricsRegistry } from '../../src/observability/metrics.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { DOSSIER, type ObservedWorld, startObservedWorld } from './observed-world.js';
import { type Sample, sampleValue, scrape } from './prometheus-text.js';

let world: ObservedWorld;
const startedAt = Date.now() / 1000;

beforeAll(async () => {
  world = await startObservedWorld();
}, 300_000);
afterAll(async () => {
  await world?.close();
});

describe(`/metrics after a set of requests (${testDatabaseKind})`, () => {
  let samples: Sample[];
  const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);

  beforeAll(async () => {
    const plate = await world.busiestDoorPlate();
    // Two dossiers, one bad ID number (an error without data), one anonymous door plate, one without a token, one with digits in its name.
    for (let i = 0; i < 2; i++) expect((await world.post({ query: DOSSIER, variables: { plate, n: 20 } })).body.errors).toBeUndefined();
    const bad = await world.post({ query: 'query PersonLookup($id: IdNumber!) { person(idNumber: $id) { name } }', variables: { id: '12' } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await world.post({ query: `{ doorPlate(code: "${plate}") { code } }` }, { as: null })).status).toBe(200);
    expect((await world.post({ query: '{ grids(first: 1) { totalCount } }' }, { as: null })).status).toBe(401);
    expect((await world.post({ query: 'query Person110101199003071234 { __typename }' })).status).toBe(200);
    samples = await scrape(world.server.metricsUrl!);
  }, 120_000);

  it('counts requests by operation and outcome, and times them', () => {
    expect(value('gridgraph_http_requests_total', { operation: 'Dossier', outcome: 'success' })).toBe(2);
    expect(value('gridgraph_http_request_duration_seconds_count', { operation: 'Dossier' })).toBe(2);
    expect(value('gridgraph_http_request_duration_seconds_sum', { operation: 'Dossier' })).toBeGreaterThan(0);
    expect(value('gridgraph_http_request_duration_seconds_bucket', { operation: 'Dossier', le: '+Inf' })).toBe(2);
    expect(value('gridgraph_http_requests_total', { operation: 'PersonLookup', outcome: 'error' })).toBe(1);
    expect(value('gridgraph_http_requests_total', { operation: 'anonymous', outcome: 'success' })).toBe(1);
    // Refused before any operation was read: no token for more than the door plate.
    expect(value('gridgraph_http_requests_total', { operation: 'anonymous', outcome: 'error' })).toBe(1);
    // A name carrying a run of digits never becomes a label.
    expect(value('gridgraph_http_requests_total', { operation: 'other', outcome: 'success' })).toBe(1);
    expect(samples.some((sample) => Object.values(sample.labels).some((label) => label.includes('110101')))).toBe(false);
  });

  it('counts GraphQL errors by code', () => {
    expect(value('gridgraph_graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(value('gridgraph_graphql_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('counts and times the live reads of each source the dossier touched', () => {
    for (const connector of ['police', 'civil-affairs']) {
      const reads = value('gridgraph_source_reads_total', { connector, outcome: 'ok' })!;
      expect(reads).toBeGreaterThanOrEqual(2);
      expect(value('gridgraph_source_read_duration_seconds_count', { connector })).toBe(reads);
      expect(value('gridgraph_source_reads_total', { connector, outcome: 'failed' })).toBeUndefined();
    }
  });

  it("shows the hub's and each source's pool", () => {
    for (const pool of ['hub', ...connectors.map((c) => c.name)]) {
      const idle = value('gridgraph_db_pool_connections', { pool, state: 'idle' });
      const inUse = value('gridgraph_db_pool_connections', { pool, state: 'in_use' });
      expect(idle, pool).toBeGreaterThanOrEqual(0);
      expect(inUse, pool).toBeGreaterThanOrEqual(0);
      expect(value('gridgraph_db_pool_waiting', { pool }), pool).toBe(0);
    }
    // Scraped while no request runs: the hub's connections sit idle, at least the one the requests used.
    expect(value('gridgraph_db_pool_connections', { pool: 'hub', state: 'idle' })).toBeGreaterThanOrEqual(1);
  });

  it('counts the audit records the dossiers wrote, as the audit table holds them', async () => {
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from audit_log`.execute(world.hub.db);
    expect(Number(rows[0].n)).toBeGreaterThan(0);
    expect(value('gridgraph_audit_records_appended_total')).toBe(Number(rows[0].n));
    expect(value('gridgraph_audit_queue_depth')).toBe(0);
    expect(value('gridgraph_audit_commits_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(value('gridgraph_audit_commit_duration_seconds_count')).toBe(value('gridgraph_audit_commits_total', { outcome: 'ok' }));
  });

  it('counts the rows the sync read from each table, as the source holds them, and when each table last synced', async () => {
    for (const source of world.sources) {
      for (const mapping of source.connector.tables) {
        const { rows } = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(mapping.table)}`.execute(source.db);
        const labels = { connector: source.connector.name, table: mapping.table };
        expect(value('gridgraph_sync_rows_read_total', labels), `${labels.connector}.${labels.table}`).toBe(Number(rows[0].n));
        const last = value('gridgraph_sync_last_success_timestamp_seconds', labels)!;
        expect(last).toBeGreaterThanOrEqual(Math.floor(startedAt) - 1);
        expect(last).toBeLessThanOrEqual(Date.now() / 1000);
        expect(value('gridgraph_sync_lag_seconds', labels) ?? 0).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('counts address resolutions by status', () => {
    expect(value('gridgraph_address_resolutions_total', { status: 'matched' })).toBeGreaterThan(0);
    const statuses = samples.filter((s) => s.name === 'gridgraph_address_resolutions_total').map((s) => s.labels.status);
    expect(statuses.every((status) => ['matched', 'partial', 'ambiguous', 'unmatched'].includes(status))).toBe(true);
  });

  it("has the process's default metrics", () => {
    expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
  });
});

describe('where /metrics is served', () => {
  it('on its own port, bound to loopback, and not on the GraphQL port', async () => {
    expect(new URL(world.server.metricsUrl!).hostname).toBe('127.0.0.1');
    expect(new URL(world.server.metricsUrl!).port).not.toBe(String(world.server.port));
    expect((await fetch(new URL('/metrics', world.server.url))).status).toBe(404);
    expect((await fetch(new URL('/other', world.server.metricsUrl))).status).toBe(404);
  });
});

describe('the README and the dashboard', () => {
  const families = () => new Set(metricsRegistry.getMetricsAsArray().map((metric) => metric.name).filter((name) => name.startsWith('gridgraph_')));

  it('the README documents every gridgraph metric family, and no other', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Metric families'), readme.indexOf('### Traces'));
    const documented = new Set([...section.matchAll(/^\| `(gridgraph_[a-z_]+)` \|/gm)].map((match) => match[1]));
    expect([...documented].sort()).toEqual([...families()].sort());
  });

  it('the dashboard queries only families that exist, and shows requests, departments, sync lag and the audit', () => {
    const dashboard = JSON.parse(fs.readFileSync(new URL('../../deploy/grafana/gridgraph-dashboard.json', import.meta.url), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((panel: { targets?: { expr: string }[] }) => (panel.targets ?? []).map((target) => target.expr));
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/gridgraph_[a-z_]+/g)].map((match) => match[0].replace(/_(bucket|sum|count)$/, ''))));
    for (const name of used) expect(families(), name).toContain(name);
    for (const needed of ['gridgraph_http_request_duration_seconds', 'gridgraph_source_reads_total', 'gridgraph_sync_lag_seconds', 'gridgraph_audit_records_appended_total']) {
      expect(used, needed).toContain(needed);
    }
  });
});
