import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('defaults to the embedded database with the demo, on port 4000', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, loadDemo: true, anonymousIntrospection: false });
    expect(config.dataDir).toMatch(/\.gridgraph$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('turns the demo off by default on a real server', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/hub' }).loadDemo).toBe(false);
  });

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow('PORT: expected a whole number from 0 to 65535, got "eighty"');
    expect(() => readConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/^DATABASE_URL: expected a postgres:\/\/ URL/);
    expect(() => readConfig({ GRIDGRAPH_DEMO: 'maybe' })).toThrow(/^GRIDGRAPH_DEMO/);
    expect(() => readConfig({ GRIDGRAPH_ANONYMOUS_INTROSPECTION: 'sometimes' })).toThrow(/^GRIDGRAPH_ANONYMOUS_INTROSPECTION/);
  });

  it('reads the operation limits and the trusted documents manifest, naming a bad one', () => {
    expect(readConfig({}).operationLimits).toEqual({ depth: 7, aliases: 15, tokens: 1000, directives: 50, cost: 10_000, batch: 10 });
    expect(readConfig({}).trustedDocumentsFile).toBeUndefined();
    const config = readConfig({ GRAPHQL_MAX_DEPTH: '9', GRAPHQL_MAX_COST: '20000', GRAPHQL_MAX_BATCH: '1', GRAPHQL_TRUSTED_DOCUMENTS: 'persisted-documents.json' });
    expect(config.operationLimits).toMatchObject({ depth: 9, cost: 20_000, batch: 1, aliases: 15 });
    expect(config.trustedDocumentsFile).toMatch(/\/persisted-documents\.json$/);
    expect(() => readConfig({ GRAPHQL_MAX_ALIASES: '0' })).toThrow('GRAPHQL_MAX_ALIASES: expected a whole number from 1 to 1000000, got "0"');
    expect(() => readConfig({ GRAPHQL_MAX_TOKENS: 'lots' })).toThrow(/^GRAPHQL_MAX_TOKENS/);
  });

  it('has deadlines and a drain time, each checked and named when wrong', () => {
    expect(readConfig({})).toMatchObject({ sourceTimeoutMs: 3000, hubStatementTimeoutMs: 5000, hubAcquireTimeoutMs: 2000, requestTimeoutMs: 10_000, shutdownDrainMs: 10_000 });
    expect(readConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '750', SHUTDOWN_DRAIN_MS: '0' })).toMatchObject({ hubStatementTimeoutMs: 750, shutdownDrainMs: 0 });
    expect(() => readConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow('DATABASE_STATEMENT_TIMEOUT_MS: expected a whole number from 1 to 600000, got "0"');
    expect(() => readConfig({ DATABASE_ACQUIRE_TIMEOUT_MS: '2s' })).toThrow(/^DATABASE_ACQUIRE_TIMEOUT_MS: /);
    expect(() => readConfig({ REQUEST_TIMEOUT_MS: '-1' })).toThrow(/^REQUEST_TIMEOUT_MS: /);
    expect(() => readConfig({ SHUTDOWN_DRAIN_MS: 'soon' })).toThrow(/^SHUTDOWN_DRAIN_MS: /);
  });
});
