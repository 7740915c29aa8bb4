import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import type { RowSource, SourceRow } from './registry-records.js';
import { RegistryImportError } from './registry-import-error.js';

/**
 * A UTF-8 CSV file with a header row as a stream of rows (docs/design.md §3.1): any column
 * order, unknown columns ignored, a missing required column rejected at line 1.
 */
export function csvRowSource(filePath: string, requiredColumns: readonly string[]): RowSource {
  const name = path.basename(filePath);
  return { name, rows: readRows(filePath, name, requiredColumns) };
}

async function* readRows(filePath: string, name: string, requiredColumns: readonly string[]): AsyncGenerator<SourceRow> {
  if (!fs.existsSync(filePath)) {
    throw new RegistryImportError([{ file: name, line: 0, reason: `file not found: ${filePath}` }]);
  }
  const parser = fs.createReadStream(filePath).pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const columns = header.map((column) => column.trim().toLowerCase());
        const missing = requiredColumns.filter((column) => !columns.includes(column));
        if (missing.length > 0) {
          throw new RegistryImportError([{ file: name, line: 1, reason: `missing column(s): ${missing.join(', ')}` }]);
        }
        return columns;
      },
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, values: record };
    }
  } catch (error) {
    if (error instanceof RegistryImportError) throw error;
    const line = (error as { lines?: number }).lines ?? 0;
    throw new RegistryImportError([{ file: name, line, reason: `not valid CSV: ${(error as Error).message}` }]);
  }
}
