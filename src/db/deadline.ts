import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The moment (epoch milliseconds) by which the database work of the current
 * request must be done. It travels with the async context rather than as an
 * argument because it must reach the connection pool beneath Kysely, which
 * knows nothing of requests: every pool wait and statement started inside
 * `withDeadline` is cut short at the deadline.
 */
const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` under `deadline`, or under the enclosing deadline if that one is earlier. */
export function withDeadline<T>(deadline: number, work: () => T): T {
  const outer = deadlines.getStore();
  return deadlines.run(outer === undefined ? deadline : Math.min(outer, deadline), work);
}

/** The deadline the current code runs under, if any. */
export function currentDeadline(): number | undefined {
  return deadlines.getStore();
}

/**
 * How long the current code may still wait: the smaller of `limit` and the time
 * left before the current deadline; undefined when neither bounds it. Zero or
 * less means the deadline has passed.
 */
export function timeLeft(limit?: number): number | undefined {
  const deadline = deadlines.getStore();
  const left = deadline === undefined ? undefined : deadline - Date.now();
  if (left === undefined) return limit;
  return limit === undefined ? left : Math.min(limit, left);
}
