import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connector } from '../../src/connectors/connector.js';
import { composeSupergraph } from '../../src/federation/supergraph.js';
import { HUB_SUBGRAPH } from '../../src/federation/subgraph-sdl.js';
import { type RunningServer, startServer } from '../../src/server/http-server.js';
import type { SourceDatabase } from '../../src/sources/source-database.js';
import type { Kysely } from 'kysely';
import type { HubSchema } from '../../src/db/hub-schema.js';
import { testRealm } from './test-realm.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GATEWAY_BIN = path.join(ROOT, 'node_modules/@graphql-hive/gateway/dist/bin.js');
const GATEWAY_CONFIG = path.join(ROOT, 'deploy/gateway/gateway.config.ts');

/** The subgraphs as real HTTP servers on real ports (in this process, over the test's hub), and Hive Gateway in front of them as a child process. */
export interface FederatedWorld {
  /** The gateway's GraphQL endpoint. */
  readonly gatewayUrl: string;
  /** Each subgraph's server, by subgraph name. */
  readonly subgraphs: ReadonlyMap<string, RunningServer>;
  /** Stops one subgraph (a department down); the gateway keeps running. */
  stopSubgraph(name: string): Promise<void>;
  /** Everything the gateway printed. */
  gatewayOutput(): string;
  close(): Promise<void>;
}

/**
 * Starts the hub subgraph (no source) and one subgraph per connector (its own
 * source only), all with the test realm's verifier, composes their supergraph
 * at their ports, and starts Hive Gateway with deploy/gateway's configuration
 * on it. Whatever fails midway, what was started is stopped.
 */
export async function startFederatedWorld(hub: { readonly db: Kysely<HubSchema> }, connectors: readonly Connector[], sources: readonly SourceDatabase[]): Promise<FederatedWorld> {
  const realm = testRealm();
  const subgraphs = new Map<string, RunningServer>();
  let gateway: ChildProcess | undefined;
  let output = '';
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgraph-supergraph-'));
  const close = async () => {
    if (gateway?.pid !== undefined) await stopGroup(gateway);
    for (const server of subgraphs.values()) await server.close();
    subgraphs.clear();
    fs.rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (const name of [HUB_SUBGRAPH, ...connectors.map((c) => c.name)]) {
      const server = await startServer({
        db: hub.db,
        connectors,
        sources: sources.filter((s) => s.connector.name === name),
        subgraph: name,
        port: 0,
        host: '127.0.0.1',
        verifier: realm.verifier,
      });
      subgraphs.set(name, server);
    }
    const supergraphFile = path.join(folder, 'supergraph.graphql');
    fs.writeFileSync(supergraphFile, composeSupergraph(connectors, new Map([...subgraphs].map(([name, server]) => [name, server.url.replace('localhost', '127.0.0.1')]))));
    const port = await freePort();
    gateway = spawn(process.execPath, [GATEWAY_BIN, 'supergraph', '-c', GATEWAY_CONFIG, '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, GRIDGRAPH_SUPERGRAPH: supergraphFile, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const started = gateway;
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    await waitFor(() => /Listening on/.test(output), () => started.exitCode !== null, 60_000, () => output);
    const stopped = new Set<string>();
    return {
      gatewayUrl: `http://127.0.0.1:${port}/graphql`,
      subgraphs,
      async stopSubgraph(name) {
        if (stopped.has(name)) return;
        stopped.add(name);
        await subgraphs.get(name)!.close();
        subgraphs.delete(name);
      },
      gatewayOutput: () => output,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** SIGTERM to the child's process group, SIGKILL after 5 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(ready: () => boolean, failed: () => boolean, ms: number, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (failed()) throw new Error(`the gateway exited before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the gateway did not listen within ${ms} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
