import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../src/cli/progress.js';
import { readConfig } from '../../src/config/config.js';
import { codeLabel, MAX_OPERATION_NAMES, operationLabel } from '../../src/observability/metrics.js';
import { configuredExporter } from '../../src/observability/tracing.js';

describe('the operation label', () => {
  it('is the name of a plain operation, and never free text or a number spelled into a name', () => {
    expect(operationLabel('Dossier')).toBe('Dossier');
    expect(operationLabel(null)).toBe('anonymous');
    expect(operationLabel('')).toBe('anonymous');
    expect(operationLabel(undefined)).toBe('unknown');
    expect(operationLabel('Person_11010519491231002X')).toBe('other');
    expect(operationLabel('Call13800138000')).toBe('other');
    expect(operationLabel('张三')).toBe('other');
    expect(operationLabel('x'.repeat(65))).toBe('other');
  });

  it(`gives the first ${MAX_OPERATION_NAMES} distinct names their own series, and counts the rest as other`, () => {
    const labels = Array.from({ length: MAX_OPERATION_NAMES + 20 }, (_, i) => operationLabel(`Screen${String.fromCharCode(97 + (i % 26))}${Math.floor(i / 26)}`));
    // "Dossier" above took one place already.
    expect(new Set(labels.filter((label) => label !== 'other')).size).toBe(MAX_OPERATION_NAMES - 1);
    expect(labels.filter((label) => label === 'other')).toHaveLength(21);
    expect(operationLabel('Dossier')).toBe('Dossier');
  });

  it('takes only upper-case words as error codes', () => {
    expect(codeLabel('SOURCE_UNAVAILABLE')).toBe('SOURCE_UNAVAILABLE');
    expect(codeLabel('no such person 110105194912310029')).toBe('OTHER');
    expect(codeLabel(undefined)).toBe('OTHER');
  });
});

describe('settings', () => {
  it('turns tracing on only when the OTEL variables ask for an exporter', () => {
    expect(configuredExporter({})).toBeUndefined();
    expect(configuredExporter({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(configuredExporter({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe('otlp');
    expect(configuredExporter({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(configuredExporter({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
    expect(configuredExporter({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBeUndefined();
    expect(() => configuredExporter({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER: expected otlp, console or none/);
  });

  it('reads the metrics port and interface, the log level and format, naming a bad one', () => {
    expect(readConfig({})).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1', logLevel: 'info', logFormat: undefined });
    expect(readConfig({ METRICS_PORT: 'off', METRICS_HOST: '0.0.0.0', LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'json' })).toMatchObject({
      metricsPort: undefined,
      metricsHost: '0.0.0.0',
      logLevel: 'debug',
      logFormat: 'json',
    });
    expect(() => readConfig({ METRICS_PORT: 'ninety' })).toThrow(/^METRICS_PORT: expected a whole number/);
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: expected one of fatal, error/);
    expect(() => readConfig({ LOG_FORMAT: 'xml' })).toThrow(/^LOG_FORMAT: expected json or pretty/);
  });
});

describe('import progress in a log', () => {
  it('is a structured JSON line per finished phase when not on a terminal', () => {
    const chunks: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
    const printer = progressPrinter(stream);
    printer.update({ phase: 'read', file: 'grids.csv', done: 5, total: 10 });
    printer.update({ phase: 'read', file: 'grids.csv', done: 10, total: 10 });
    printer.done();
    const lines = chunks.join('').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'gridgraph', event: 'import', phase: 'read', file: 'grids.csv', done: 10, total: 10 });
    expect(lines[0].msg).toMatch(/^read  grids\.csv: 10\/10 \(100%\) rows/);
    expect(Date.parse(lines[0].time)).toBeGreaterThan(0);
  });
});
