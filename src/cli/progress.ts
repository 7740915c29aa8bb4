import type { ImportProgress } from '../registry/registry-import.js';

/** A status line on stderr, rewritten in place on a terminal; silent elsewhere (logs, CI), where the summary lines say enough. */
export function statusLine(stream: NodeJS.WriteStream = process.stderr): { show: (text: string) => void; done: () => void } {
  let shown = false;
  return {
    show(text) {
      if (!stream.isTTY) return;
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
 * Progress of a registry import: the status line on a terminal, and a line per
 * finished phase otherwise.
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
        stream.write(`${describe(progress)}\n`);
      }
    },
    done: line.done,
  };
}
