import { type Router } from 'express';
import express from 'express';
import { withDeadline } from '../db/deadline.js';

/** One dependency `/readyz` checks: the hub database, and each source. */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Whether the hub is unready without it. Only the hub database is: with a
   * source down the hub still answers everything else (docs/design.md §8), and a load
   * balancer must not pull it for one department.
   */
  readonly required: boolean;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** Where each source table's sync is, for `/readyz`'s body (no personal data: tables, outcomes, times, lags). */
export type SyncSummary = () => Promise<readonly object[]>;

/**
 * `/healthz`: the process is alive. `/readyz`: 200 when every required
 * dependency (the hub database) answers within two seconds, else 503; the body
 * lists every dependency's state either way, and each table's sync when
 * `syncSummary` is given (left out if it cannot be read in time: it never
 * decides readiness).
 */
export function healthRoutes(checks: readonly ReadinessCheck[], syncSummary?: SyncSummary): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          // The deadline also reaches the pool, so a stalled database does not keep the check's connection.
          await withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => withTimeout(check(), CHECK_TIMEOUT_MS));
          return { name, ready: true };
        } catch {
          // The reason stays out of the answer: it could name a host.
          return { name, ready: false };
        }
      }),
    );
    const ready = results.every((result, i) => result.ready || !checks[i].required);
    const sync = syncSummary === undefined ? undefined : await withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => withTimeout(syncSummary(), CHECK_TIMEOUT_MS)).catch(() => undefined);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results, ...(sync === undefined ? {} : { sync }) });
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
