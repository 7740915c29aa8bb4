import type { ImportProgress } from '../registry/registry-import.js';

/**
 * Progress of a long job on stderr: one line rewritten in place on a terminal,
 * a line per finished phase otherwise (logs, CI).
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update: (progress: ImportProgress) => void;
  done: () => void;
} {
  let lastPhase = '';
  let lastLine = '';
  const started = Date.now();
  const describe = (p: ImportProgress) => {
    const amount = p.total === undefined ? `${p.done}` : `${p.done}/${p.total} (${p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total)}%)`;
    return `${p.phase.padEnd(5)} ${p.file}: ${amount} rows · ${((Date.now() - started) / 1000).toFixed(1)}s`;
  };
  return {
    update(progress) {
      lastLine = describe(progress);
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${lastLine}`);
      } else if (progress.total !== undefined && progress.done === progress.total && `${progress.phase}${progress.file}` !== lastPhase) {
        lastPhase = `${progress.phase}${progress.file}`;
        stream.write(`${lastLine}\n`);
      }
    },
    done() {
      if (stream.isTTY && lastLine !== '') stream.write('\n');
    },
  };
}
