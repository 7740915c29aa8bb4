import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One copy of graphql, as under Node: Vite would otherwise hand our sources its
    // ES module build while Apollo Server loads the CommonJS one.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the demo databases once per run and copies them per file (tests/support/demo-world.ts).
    globalSetup: ['tests/global-setup.ts'],
    // Two files at a time: each file's PGlite runs in its own worker's thread, so one worker
    // (vitest's default on two cores) leaves a core idle.
    maxWorkers: 2,
    // Deadlines against hangs, not measures of speed: a test or hook that takes this long is
    // stuck, however loaded the machine. Nothing in the suite should come near them.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    env: { NODE_ENV: 'test' },
  },
});
