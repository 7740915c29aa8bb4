import { type Kysely, sql } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';

/** All SQL on `registry_state`. */

/** The registry's revision: changes whenever its content does. */
export async function readRegistryRevision(db: Kysely<HubSchema>): Promise<string> {
  const row = await db.selectFrom('registry_state').select('revision').where('id', '=', 1).executeTakeFirstOrThrow();
  return String(row.revision);
}

/** Marks the registry changed; call inside the transaction that changed it. */
export async function bumpRegistryRevision(db: Kysely<HubSchema>): Promise<void> {
  await sql`update registry_state set revision = revision + 1 where id = 1`.execute(db);
}
