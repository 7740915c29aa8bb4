import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { configureLogger } from '../src/observability/logger.js';
import { metricsRegistry, recordMetrics } from '../src/observability/metrics.js';
import { startTracing } from '../src/observability/tracing.js';
import { observeSourceRead } from '../src/observability/hooks.js';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { buildBenchWorld } from './bench-world.js';
import { DOOR_PLATE_DOSSIER, load, type Measured, medianOf, post, startGraphTarget } from './dossier-targets.js';
import { machine, printTable, writeResults } from './report.js';

export interface ObservabilityBenchOptions {
  scale: number;
  /** Seconds of load per measurement. */
  duration: number;
  runs: number;
  perList: number;
  /** Concurrent requests. */
  connections: number;
  out: string;
}

/** What is on in one measurement. */
interface Setting {
  readonly name: string;
  readonly logs: boolean;
  readonly metrics: boolean;
  readonly tracing: boolean;
}

const SETTINGS: Setting[] = [
  { name: 'all off', logs: false, metrics: false, tracing: false },
  { name: 'logs', logs: true, metrics: false, tracing: false },
  { name: 'logs + metrics (scraped every 1 s)', logs: true, metrics: true, tracing: false },
  { name: 'logs + metrics + traces (OTLP, every span)', logs: true, metrics: true, tracing: true },
];

/**
 * What observability costs the door-plate dossier (issue 20): p50, p99 and
 * req/s with everything off, then with the request log on (to /dev/null),
 * metrics recorded and scraped every second, and traces of every request
 * exported over OTLP/protobuf to a local collector that drops them — settings
 * interleaved within each run, so drift hits them alike; ratios to "all off".
 */
export async function runObservabilityBench(options: ObservabilityBenchOptions): Promise<void> {
  const log = (line: string) => console.error(line);
  const world = await buildBenchWorld(options.scale, log);
  const graph = await startGraphTarget(world, DOOR_PLATE_DOSSIER, options.perList);
  const collector = await startCollector();
  const measured = new Map<string, Measured[]>(SETTINGS.map((setting) => [setting.name, []]));
  try {
    const keys = await DOOR_PLATE_DOSSIER.keys(world.hub.db, 20);
    for (const key of keys) await post(graph, key); // warm: the registry index, plans, connections
    for (let run = 0; run < options.runs; run++) {
      for (const setting of SETTINGS) {
        log(`run ${run + 1}/${options.runs}: ${setting.name} …`);
        configureLogger({ level: setting.logs ? 'info' : 'silent', destination: pino.destination({ dest: '/dev/null', sync: false }) });
        recordMetrics(setting.metrics);
        const scraper = setting.metrics ? setInterval(() => void metricsRegistry.metrics(), 1_000) : undefined;
        const tracing = setting.tracing
          ? startTracing({ processor: new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` })), env: {} })
          : undefined;
        try {
          measured.get(setting.name)!.push(await load(graph, keys, options.connections, options.duration));
        } finally {
          clearInterval(scraper);
          await tracing?.shutdown();
        }
      }
    }
    const base = medianOf(measured.get(SETTINGS[0].name)!);
    const rows = SETTINGS.map((setting) => ({ setting: setting.name, ...medianOf(measured.get(setting.name)!) }));
    console.log(
      `door-plate dossier, concurrency ${options.connections} · ${world.kind} · scale ${options.scale} · ${options.perList} per list · ${options.duration}s × ${options.runs} runs (median) · ${collector.spans()} span batches exported`,
    );
    printTable([
      ['', 'p50', 'p99', 'req/s', 'p50 ratio', 'req/s ratio'],
      ...rows.map((row) => [row.setting, `${row.p50} ms`, `${row.p99} ms`, row.rps.toFixed(0), `${(row.p50 / Math.max(base.p50, 0.01)).toFixed(2)}×`, `${(row.rps / Math.max(base.rps, 0.01)).toFixed(2)}×`]),
    ]);
    const hooks = await hookCost();
    console.log('one source-read hook (metrics + span) around an empty read, per call:');
    printTable([
      ['', 'per call', 'ratio'],
      ['bare await (no hook)', `${hooks.bare.toFixed(2)} µs`, '1.00×'],
      ['hook, metrics off, tracing off', `${hooks.off.toFixed(2)} µs`, `${(hooks.off / hooks.bare).toFixed(2)}×`],
      ['hook, metrics on, tracing off', `${hooks.metrics.toFixed(2)} µs`, `${(hooks.metrics / hooks.bare).toFixed(2)}×`],
      ['hook, metrics on, tracing on', `${hooks.traced.toFixed(2)} µs`, `${(hooks.traced / hooks.bare).toFixed(2)}×`],
    ]);
    const file = writeResults(options.out, { bench: 'observability', ...options, kind: world.kind, machine: machine(), results: rows, hookMicroseconds: hooks });
    console.log(`results: ${file}`);
  } finally {
    recordMetrics(true);
    configureLogger({ level: 'silent' });
    await collector.close();
    await graph.close();
    await world.close();
  }
}

/**
 * The cost of one hook by itself, in microseconds per call (median of 5 rounds
 * of 100,000 calls): a read that does nothing, bare and inside
 * `observeSourceRead` with metrics and tracing off, metrics on, both on (spans
 * to an in-memory exporter, reset between rounds).
 */
async function hookCost(): Promise<{ bare: number; off: number; metrics: number; traced: number }> {
  const calls = 100_000;
  const empty = async () => 1;
  const time = async (call: () => Promise<unknown>) => {
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) await call();
      rounds.push(((performance.now() - started) * 1000) / calls);
    }
    return rounds.sort((a, b) => a - b)[2];
  };
  const far = Date.now() + 3_600_000;
  const bare = await time(empty);
  recordMetrics(false);
  const off = await time(() => observeSourceRead('police', far, empty));
  recordMetrics(true);
  const metrics = await time(() => observeSourceRead('police', far, empty));
  const memory = new InMemorySpanExporter();
  const tracing = startTracing({ processor: new SimpleSpanProcessor(memory), env: {} })!;
  const traced = await time(() => {
    if (memory.getFinishedSpans().length > 10_000) memory.reset();
    return observeSourceRead('police', far, empty);
  });
  await tracing.shutdown();
  return { bare, off, metrics, traced };
}

/** An OTLP/HTTP endpoint that takes every export and drops it: the network and encoding cost, no collector's. */
async function startCollector(): Promise<{ url: string; spans(): number; close(): Promise<void> }> {
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => exports,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
