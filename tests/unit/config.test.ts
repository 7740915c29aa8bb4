import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('defaults to the embedded database with the demo, on port 4000', () => {
    const config = readConfig({});
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, loadDemo: true });
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
