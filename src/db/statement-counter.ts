import type { Kysely } from 'kysely';

/**
 * Counts the statements each named database runs while `run` runs, by wrapping
 * its query executor — how tests and benchmarks show that loaders batch.
 */
export async function countStatements(databases: Readonly<Record<string, Kysely<any>>>, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const restore = Object.entries(databases).map(([name, db]) => {
    const executor = db.getExecutor();
    const original = executor.executeQuery.bind(executor);
    executor.executeQuery = ((...args: Parameters<typeof original>) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return original(...args);
    }) as typeof original;
    return () => (executor.executeQuery = original);
  });
  try {
    await run();
  } finally {
    restore.forEach((undo) => undo());
  }
  return counts;
}
