import { type Kysely, sql } from 'kysely';
import type { HubSchema } from './hub-schema.js';

/** Fewer changed rows than this are left to autovacuum: re-sampling a large table costs more than they skew. */
export const BULK_CHANGE = 1000;

/**
 * Refreshes PostgreSQL's planner statistics of hub tables after a bulk write.
 * Autovacuum gets there eventually, but until it does the planner believes a
 * freshly loaded table is tiny and picks plans that scan it whole: a dossier's
 * page of residents took 35 ms instead of 1.3 ms at 53,000 addresses, and
 * grew with the district.
 */
export async function refreshStatistics(db: Kysely<HubSchema>, tables: readonly (keyof HubSchema)[]): Promise<void> {
  await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
}
