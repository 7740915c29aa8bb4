import type { ImportProgress } from '../registry/registry-import.js';

/** How often a status line goes to a log (not a terminal) as a structured line. */
const PROGRESS_LOG_INTERVAL_MS = 5_000;

/** One progress line for a log collector: the request log's shape (README § Operating: metrics, traces, logs). */
export function progressLine(stream: NodeJS.WritableStream, fields: Record<string, string | number | null | undefined>, msg: string): void {
  stream.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), service: 'gridgraph', ...fields, msg })}\n`);
}

/**
 * A status line on stderr, rewritten in place on a terminal; elsewhere (logs,
 * CI) a structured line at most every five seconds.
 */
export function statusLine(stream: NodeJS.WriteStream = process.stderr): { show: (text: string) => void; done: () => void } {
  let shown = false;
  let loggedAt = Date.now();
  return {
    show(text) {
      if (!stream.isTTY) {
        if (Date.now() - loggedAt < PROGRESS_LOG_INTERVAL_MS) return;
        loggedAt = Date.now();
        progressLine(stream, { event: 'progress' }, text);
        return;
      }
      stream.write(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}

/**
 * Progress of a registry import: the status line on a terminal, and a
 * structured line per finished phase otherwise.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update: (progress: ImportProgress) => void;
  done: () => void;
} {
  const line = statusLine(stream);
  let lastPhase = '';
  const started = Date.now();
  const describe = (p: ImportProgress) => {
    const amount = p.total === undefined ? `${p.done}` : `${p.done}/${p.total} (${p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total)}%)`;
    return `${p.phase.padEnd(5)} ${p.file}: ${amount} rows · ${((Date.now() - started) / 1000).toFixed(1)}s`;
  };
  return {
    update(progress) {
      if (stream.isTTY) {
        line.show(describe(progress));
      } else if (progress.total !== undefined && progress.done === progress.total && `${progress.phase}${progress.file}` !== lastPhase) {
        lastPhase = `${progress.phase}${progress.file}`;
        progressLine(stream, { event: 'import', phase: progress.phase, file: progress.file, done: progress.done, total: progress.total }, describe(progress));
      }
    },
    done: line.done,
  };
}
