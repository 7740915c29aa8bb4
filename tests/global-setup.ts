import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { dropDatabasesNamed } from './support/test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run keeps its demo database images (tests/support/demo-world.ts): a folder, and the name prefix of template databases. */
    gridgraphImages: { dir: string; prefix: string };
  }
}

/** A folder (and a database name prefix) for this run's images, removed (dropped) when the run ends. */
export default function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-images-'));
  const prefix = `gridgraph_image_${randomBytes(4).toString('hex')}`;
  project.provide('gridgraphImages', { dir, prefix });
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabasesNamed(prefix);
  };
}
