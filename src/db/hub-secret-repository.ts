import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubSchema } from './hub-schema.js';

/** How many random bytes a new secret gets. */
const SECRET_BYTES = 32;

/**
 * The hub's secret of this name: created on first use, then the same for every
 * process on this hub database and across restarts. Two processes starting at
 * once both try to create it; the first insert wins and both read that one.
 */
export async function loadHubSecret(db: Kysely<HubSchema>, name: string): Promise<Uint8Array> {
  await db
    .insertInto('hub_secret')
    .values({ name, value: randomBytes(SECRET_BYTES) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const { value } = await db.selectFrom('hub_secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return new Uint8Array(value);
}
