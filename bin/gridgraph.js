#!/usr/bin/env node
// The package bin. gridgraph runs its TypeScript sources through tsx, so there is
// no build step between `git pull` and `npm start`, and no stale output to ship.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
