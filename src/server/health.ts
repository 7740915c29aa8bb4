import { type Router } from 'express';
import express from 'express';

/** One dependency `/readyz` checks: the hub database, and later each source. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is alive. `/readyz`: every dependency answers within two seconds. */
export function healthRoutes(checks: readonly ReadinessCheck[]): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, ready: true };
        } catch {
          // The reason stays out of the answer: it could name a host.
          return { name, ready: false };
        }
      }),
    );
    const ready = results.every((result) => result.ready);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
