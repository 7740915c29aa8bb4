import net from 'node:net';

/** What the proxy does to traffic. */
export type ProxyMode =
  /** Forwards both ways. */
  | 'pass'
  /** Destroys every open connection and every new one at once: a crashed server or a cut cable. */
  | 'cut'
  /**
   * Accepts connections and swallows every byte both ways, never answering: a
   * blackholed server (TCP open, no answers). Connections stalled once stay
   * dead after `restore()`, as their lost bytes are lost for good.
   */
  | 'stall';

/**
 * A TCP proxy between gridgraph and a database that a test can cut, stall or
 * slow down at any moment, to break real PostgreSQL connections mid-query.
 */
export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  readonly url: string;
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly openConnections: number;
  /** Chunks from the server being held by `delay` right now: a statement is in flight. */
  readonly heldChunks: number;
  cut(): void;
  stall(): void;
  /** Holds every chunk from the server for `ms` before passing it on: a slow server. */
  delay(ms: number): void;
  /** Back to forwarding, undelayed, for new connections and for those never stalled. */
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  server: net.Socket;
  dead: boolean;
}

/**
 * Starts a proxy on a free loopback port in front of the server `targetUrl`
 * names: a host and port, or (libpq's form, as the embedded databases are
 * reached) a socket folder in the `host` parameter.
 */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.searchParams.get('port') ?? target.port ?? 5432) || 5432;
  const socketDir = target.searchParams.get('host');
  const connectTarget = () =>
    socketDir?.startsWith('/') ? net.connect({ path: `${socketDir}/.s.PGSQL.${targetPort}` }) : net.connect({ host: target.hostname, port: targetPort });
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'pass';
  let delayMs = 0;
  let held = 0;

  const kill = (pair: Pair) => {
    pair.client.destroy();
    pair.server.destroy();
    pairs.delete(pair);
  };
  const proxy = net.createServer((client) => {
    if (mode === 'cut') return void client.destroy();
    const server = connectTarget();
    const pair: Pair = { client, server, dead: mode === 'stall' };
    pairs.add(pair);
    client.on('data', (chunk) => {
      if (!pair.dead && mode !== 'stall') server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (pair.dead || mode === 'stall') return;
      if (delayMs === 0) client.write(chunk);
      else {
        // Pauses keep the order of chunks while each waits its delay.
        server.pause();
        held++;
        setTimeout(() => {
          held--;
          if (!pair.dead && mode !== 'stall' && !client.destroyed) client.write(chunk);
          server.resume();
        }, delayMs);
      }
    });
    const end = () => kill(pair);
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.searchParams.delete('host');
  url.searchParams.delete('port');
  return {
    url: url.toString(),
    port,
    get openConnections() {
      return pairs.size;
    },
    get heldChunks() {
      return held;
    },
    cut() {
      mode = 'cut';
      for (const pair of [...pairs]) kill(pair);
    },
    stall() {
      mode = 'stall';
      for (const pair of pairs) pair.dead = true;
    },
    delay(ms) {
      delayMs = ms;
    },
    restore() {
      mode = 'pass';
      delayMs = 0;
    },
    async close() {
      for (const pair of [...pairs]) kill(pair);
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
