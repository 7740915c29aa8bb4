import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import { Command } from 'commander';
import { AddressResolver, type ResolvedText } from '../../address/address-resolver.js';
import { statusLine } from '../progress.js';
import { withHub } from '../with-hub.js';

const BATCH = 1_000;

/** One output line: the fields docs/design.md §3.2 names, plus the reading with --explain. */
function toJson(resolved: ResolvedText, explain: boolean): string {
  const { text, status, code, level, confidence, candidates } = resolved;
  const line: Record<string, unknown> = { text, status, code, level, confidence, candidates };
  if (explain) {
    const { mentions, ...parsed } = resolved.parsed;
    Object.assign(line, { reason: resolved.reason, parsed: { ...parsed, names: mentions.map((m) => m.name) } });
  }
  return JSON.stringify(line);
}

const resolveCommand = new Command('resolve')
  .description(
    'resolve free-text addresses, one per line from stdin (or --file), against the registry; ' +
      'writes one JSON object per input line: {"text","status","code","level","confidence","candidates"}',
  )
  .option('--file <file>', 'read the addresses from this file instead of stdin')
  .option('--explain', 'add "reason" and "parsed" (what was read) to each line')
  .action(async (options: { file?: string; explain?: boolean }) => {
    await withHub(async (hub) => {
      const resolver = new AddressResolver(hub.db);
      const input = options.file === undefined ? process.stdin : fs.createReadStream(options.file);
      const lines = readline.createInterface({ input, crlfDelay: Infinity });
      const started = Date.now();
      const progress = statusLine();
      let batch: string[] = [];
      let done = 0;
      const flush = async () => {
        const results = await resolver.resolve(batch);
        const chunk = results.map((r) => `${toJson(r, options.explain ?? false)}\n`).join('');
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        done += batch.length;
        batch = [];
        progress.show(`resolved ${done} addresses · ${((Date.now() - started) / 1000).toFixed(1)}s`);
      };
      for await (const line of lines) {
        batch.push(line);
        if (batch.length === BATCH) await flush();
      }
      if (batch.length > 0) await flush();
      progress.done();
    });
  });

export const addressCommand = new Command('address').description('standard addresses: resolve free text').addCommand(resolveCommand);
