import autocannon from 'autocannon';

/**
 * The load generator, run as a process of its own (see `load` in
 * dossier-targets.ts) so that the bench process's CPU time is the server's
 * alone: `tsx bench/load-generator.ts` reads one job as JSON on stdin and
 * writes autocannon's figures as JSON on stdout.
 */
export interface LoadJob {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Request bodies, sent in turn. */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly duration: number;
}

export interface LoadResult {
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  /** Requests answered in the run. */
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadJob;
  let i = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.duration,
    method: 'POST',
    headers: job.headers,
    requests: [{ setupRequest: (request) => ({ ...request, body: job.bodies[i++ % job.bodies.length] }) }],
  });
  const answer: LoadResult = {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
  process.stdout.write(JSON.stringify(answer));
}

await main();
