import dns from 'node:dns/promises';
import type http from 'node:http';
import net from 'node:net';
import { ConfigError } from '../config/config.js';

/**
 * Binds `server` to `port` on `host`, or fails with a message naming the
 * variable to change (PORT or HOST) — a port in use, an address this machine
 * does not have, a name that does not resolve.
 */
export function listen(server: http.Server | net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** What a failed bind means for the operator, as a ConfigError naming PORT or HOST. */
export function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError('PORT', `port ${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigError('PORT', `not allowed to listen on port ${port} (ports below 1024 need privileges)`);
    case 'EADDRNOTAVAIL':
      return new ConfigError('HOST', `"${host}" is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ConfigError('HOST', `"${host}" does not resolve to an address`);
    default:
      return new ConfigError('HOST', `cannot listen on ${host}:${port}: ${error.message}`);
  }
}

/**
 * Checks before anything slow starts (opening databases, the demo load) that
 * HOST resolves and PORT can be bound there, so a typo fails in a second, not
 * after a minute of start-up. The real bind later can still fail (a race), and
 * fails the same way.
 */
export async function checkListenAddress(port: number, host: string): Promise<void> {
  try {
    await dns.lookup(host);
  } catch (error) {
    throw listenError(error as NodeJS.ErrnoException, port, host);
  }
  if (port === 0) return;
  const probe = net.createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
