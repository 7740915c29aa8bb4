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
});
