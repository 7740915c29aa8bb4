import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../support/cli.js';
import { tempDir } from '../support/csv-files.js';
import { spawnServe, type ServeProcess } from '../support/serve-process.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';

// The real `gridgraph serve`, as an operator runs it, stopped as an orchestrator
// stops it. No demo load: the lifecycle is the subject, not the data.

/** How long start-up may take on a loaded machine: a deadline against hangs. */
const START_MS = 240_000;
/** Generous: proves a process did not hang. */
const NO_HANG_MS = 60_000;

let hub: TestHub | undefined;
let baseEnv: NodeJS.ProcessEnv;
const running: ServeProcess[] = [];

beforeAll(async () => {
  const common = { GRIDGRAPH_DEMO: 'off', GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-'), HOST: '127.0.0.1', PORT: '0' };
  if (process.env.TEST_DATABASE_URL) {
    hub = await createTestHub();
    baseEnv = cliEnv({ ...common, DATABASE_URL: hub.url });
  } else {
    baseEnv = cliEnv(common);
  }
});
afterEach(() => {
  for (const serve of running.splice(0)) serve.killGroup();
});
afterAll(async () => {
  await hub?.close();
});

function serve(overrides: Record<string, string>): ServeProcess {
  const started = spawnServe({ ...baseEnv, ...overrides });
  running.push(started);
  return started;
}

async function startServing(overrides: Record<string, string>) {
  const process = serve(overrides);
  const [, url] = await process.waitFor(/serving (http:\/\/\S+)/, START_MS);
  return { process, url: url.replace('localhost', '127.0.0.1') };
}

/** An HTTP request whose body is only partly sent: in flight until `finish()` sends the rest. */
function requestInFlight(url: string, body: string) {
  const { hostname, port, pathname } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let response = '';
  socket.on('data', (chunk) => (response += chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
  );
  return {
    finish: () => socket.write(body.slice(5)),
    response: async () => {
      await closed;
      return response;
    },
  };
}

describe(`gridgraph serve's lifecycle (${testDatabaseKind})`, () => {
  it('on SIGTERM stops accepting, lets a request in flight finish, closes everything and exits 0 within the drain time', async () => {
    const { process: server, url } = await startServing({ SHUTDOWN_DRAIN_MS: '20000' });
    const served = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await served.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await fetch(`${new URL(url).origin}/readyz`)).status).toBe(200);

    const inFlight = requestInFlight(url, JSON.stringify({ query: '{ __typename }' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    await server.waitFor(/SIGTERM, stopping/, NO_HANG_MS);
    // No new connections once stopping.
    await expect(fetch(`${new URL(url).origin}/healthz`)).rejects.toThrow();
    inFlight.finish();
    expect(await inFlight.response()).toMatch(/^HTTP\/1\.1 200[\s\S]*\{"data":\{"__typename":"Query"\}\}/);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(20_000 + NO_HANG_MS);
    expect(server.output()).toMatch(/gridgraph: stopped/);
  }, START_MS + 2 * NO_HANG_MS);

  it('closes a request that outlasts the drain time and still exits 0', async () => {
    const { process: server, url } = await startServing({ SHUTDOWN_DRAIN_MS: '1000' });
    const stuck = requestInFlight(url, JSON.stringify({ query: '{ __typename }' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    expect(await stuck.response()).toBe('');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, START_MS + NO_HANG_MS);

  it('exits at once on a second signal', async () => {
    const { process: server, url } = await startServing({ SHUTDOWN_DRAIN_MS: '600000' });
    requestInFlight(url, JSON.stringify({ query: '{ __typename }' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGINT');
    await server.waitFor(/SIGINT, stopping/, NO_HANG_MS);
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 130, signal: null });
    expect(server.output()).toMatch(/second SIGINT, exiting now/);
  }, START_MS + NO_HANG_MS);

  it('exits non-zero at once, naming PORT, when the port is taken — before opening any database', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const server = serve({ PORT: String((taken.address() as net.AddressInfo).port) });
      expect(await server.exited).toEqual({ code: 2, signal: null });
      expect(server.output()).toMatch(/gridgraph: PORT: port \d+ is already in use on 127\.0\.0\.1/);
      expect(server.output()).not.toMatch(/hub database/);
    } finally {
      taken.close();
    }
  }, NO_HANG_MS);

  it('exits non-zero at once, naming HOST, when HOST does not resolve — before opening any database', async () => {
    const server = serve({ HOST: 'no-such-host.invalid' });
    expect(await server.exited).toEqual({ code: 2, signal: null });
    expect(server.output()).toMatch(/gridgraph: HOST: "no-such-host\.invalid" does not resolve to an address/);
    expect(server.output()).not.toMatch(/hub database/);
  }, NO_HANG_MS);
});
