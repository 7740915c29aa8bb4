import { type Context, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME, ATTR_SERVICE_NAME, DB_SYSTEM_NAME_VALUE_POSTGRESQL } from '@opentelemetry/semantic-conventions';

/**
 * OpenTelemetry traces (README § Operating: metrics, traces, logs). Off unless
 * the standard `OTEL_*` variables ask for an exporter; while off, no provider
 * is registered and the helpers below call straight through — no span object,
 * no context switch — so tracing costs a flag test per hook.
 */
export interface TracingSetup {
  /** The provider's exporter: what `OTEL_TRACES_EXPORTER` names, or the one given (tests: an in-memory exporter). */
  readonly exporter: string;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

let enabled = false;
const TRACER_NAME = 'gridgraph';

/** Whether spans are being made. */
export function tracingOn(): boolean {
  return enabled;
}

type Env = Record<string, string | undefined>;

/**
 * Which exporter the environment asks for, or undefined for none (tracing off):
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn it off; otherwise
 * `OTEL_TRACES_EXPORTER` (`otlp`, `console`), or `otlp` when an OTLP endpoint is
 * set (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
 */
export function configuredExporter(env: Env = process.env): 'otlp' | 'console' | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const named = env.OTEL_TRACES_EXPORTER?.split(',')[0]?.trim().toLowerCase();
  if (named === 'none') return undefined;
  if (named === 'otlp' || named === 'console') return named;
  if (named !== undefined && named !== '') throw new Error(`OTEL_TRACES_EXPORTER: expected otlp, console or none, got "${named}"`);
  return env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ? 'otlp' : undefined;
}

/**
 * Starts tracing when the environment asks for it (or with `processor`, for
 * tests: e.g. a SimpleSpanProcessor over an InMemorySpanExporter); undefined
 * when it stays off. The OTLP exporter takes its endpoint, headers, protocol
 * details and timeouts from the standard variables; the sampler from
 * `OTEL_TRACES_SAMPLER`/`_ARG`; the service name from `OTEL_SERVICE_NAME`.
 */
export function startTracing(options: { env?: Env; processor?: SpanProcessor } = {}): TracingSetup | undefined {
  const env = options.env ?? process.env;
  let processor = options.processor;
  let exporterName = 'given';
  if (processor === undefined) {
    const wanted = configuredExporter(env);
    if (wanted === undefined) return undefined;
    const exporter: SpanExporter = wanted === 'otlp' ? new OTLPTraceExporter() : new ConsoleSpanExporter();
    processor = new BatchSpanProcessor(exporter);
    exporterName = wanted;
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || 'gridgraph' }),
    spanProcessors: [processor],
  });
  // The AsyncLocalStorage context manager and the W3C propagator (traceparent, tracestate).
  provider.register({ propagator: new W3CTraceContextPropagator() });
  enabled = true;
  return {
    exporter: exporterName,
    async shutdown() {
      enabled = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** The trace context an incoming request carries in `traceparent`/`tracestate`, or the active one. */
export function incomingContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** Starts a span under `parent` (default: the active context). Only call while tracingOn(). */
export function startSpan(name: string, attributes: Record<string, string | number | boolean>, parent?: Context, kind: SpanKind = SpanKind.INTERNAL): Span {
  return tracer().startSpan(name, { kind, attributes }, parent ?? context.active());
}

/** Ends a span, marking it failed when `error` is given (its type only: a message could quote data). */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined && error !== null) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
  }
  span.end();
}

/**
 * Runs `work` in a span named `name` when tracing is on (its children nest
 * under it), else just runs it. The span fails when `work` rejects.
 */
export async function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: () => Promise<T>, parent?: Context, kind?: SpanKind): Promise<T> {
  if (!enabled) return work();
  const span = startSpan(name, attributes, parent, kind);
  try {
    const value = await context.with(trace.setSpan(parent ?? context.active(), span), work);
    endSpan(span);
    return value;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** The attributes of a read from a PostgreSQL database: the system and the operation, never the statement's parameters. */
export function databaseAttributes(connector: string): Record<string, string> {
  return { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL, [ATTR_DB_OPERATION_NAME]: 'SELECT', 'gridgraph.connector': connector };
}

export { SpanKind };
