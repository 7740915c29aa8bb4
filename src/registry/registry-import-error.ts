import { ErrorCode } from '../errors/error-code.js';
import { GridgraphError } from '../errors/gridgraph-error.js';
import type { RowProblem } from './registry-records.js';

/** How many problems the message lists; all of them stay in `problems`. */
const LISTED = 20;

/** A registry import rejected whole: every bad row with its file, line and reason. Nothing was written. */
export class RegistryImportError extends GridgraphError {
  constructor(readonly problems: readonly RowProblem[]) {
    super(ErrorCode.BAD_USER_INPUT, describe(problems), { problems });
    this.name = 'RegistryImportError';
  }
}

function describe(problems: readonly RowProblem[]): string {
  const lines = problems.slice(0, LISTED).map((p) => `  ${p.file}${p.line > 0 ? `:${p.line}` : ''}: ${p.reason}`);
  if (problems.length > LISTED) lines.push(`  … and ${problems.length - LISTED} more`);
  const rows = new Set(problems.map((p) => `${p.file}:${p.line}`)).size;
  return `registry import rejected, nothing was changed: ${problems.length} problem(s) in ${rows} row(s)\n${lines.join('\n')}`;
}
