import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';

/** A temporary folder for one test file's CSVs. */
export function tempDir(prefix = 'gridgraph-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes rows as a CSV file with a header; `columns` sets the header and its order. */
export function writeCsv(dir: string, name: string, rows: Record<string, string>[], columns?: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, stringify(rows, { header: true, columns: columns ?? Object.keys(rows[0] ?? {}) }));
  return file;
}
