import type { Kysely } from 'kysely';
import type { HubSchema } from '../db/hub-schema.js';

/** A door plate as it is printed: its code, the address it hangs on, and the grid that address lies in. */
export interface PrintablePlate {
  readonly code: string;
  /** The standard address's canonical full text. */
  readonly fullText: string;
  /** The grid's code, or null for an address not yet in a grid. */
  readonly gridCode: string | null;
  readonly gridName: string | null;
}

/** Which plates to print: one grid's, one street's (by its region code), or all. */
export interface PlateScope {
  readonly grid?: string;
  readonly street?: string;
}

/** Every door plate of the scope, by grid then address code. */
export async function findPrintablePlates(db: Kysely<HubSchema>, scope: PlateScope): Promise<PrintablePlate[]> {
  let query = db
    .selectFrom('standard_address as a')
    .leftJoin('grid as g', 'g.code', 'a.grid_code')
    .leftJoin('region as c', 'c.code', 'g.community_code')
    .select(['a.door_plate_code as code', 'a.full_text as fullText', 'g.code as gridCode', 'g.name as gridName'])
    .where('a.door_plate_code', 'is not', null)
    .where('a.door_plate_code', '<>', '');
  if (scope.grid !== undefined) query = query.where('g.code', '=', scope.grid);
  if (scope.street !== undefined) query = query.where('c.parent_code', '=', scope.street);
  const rows = await query.orderBy('g.code').orderBy('a.code').execute();
  return rows.map((row) => ({ code: row.code!, fullText: row.fullText, gridCode: row.gridCode, gridName: row.gridName }));
}
