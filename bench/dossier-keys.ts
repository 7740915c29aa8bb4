import { type Kysely, sql } from 'kysely';

/** People per door: each resident's record address lifted to its door. */
const PEOPLE_PER_DOOR = sql`
  select d.door_plate_code as plate, count(*) as people from crosswalk c
  join standard_address a on a.code = c.address_code
  left join standard_address b on b.code = a.parent_code
  join standard_address d on d.code = coalesce(b.parent_code, a.parent_code, a.code)
  where c.entity_kind = 'PERSON' and d.level = 'DOOR' and d.door_plate_code is not null
  group by d.door_plate_code`;

/** Door plates with the most people below them: the dossiers worth measuring. */
export async function busiestPlates(hub: Kysely<any>, count: number): Promise<string[]> {
  const { rows } = await sql<{ plate: string }>`select plate from (${PEOPLE_PER_DOOR}) doors order by people desc, plate limit ${count}`.execute(hub);
  return rows.map((row) => row.plate);
}

/**
 * Door plates around the median population, in plate order: dossiers of the
 * same size at any scale, when the registry grows with the population.
 */
export async function typicalPlates(hub: Kysely<any>, count: number): Promise<{ plates: string[]; people: number }> {
  const { rows } = await sql<{ plate: string; people: string }>`
    with doors as (${PEOPLE_PER_DOOR}),
         ranked as (select plate, people, row_number() over (order by people, plate) as rank, count(*) over () as total from doors)
    select plate, people from ranked where rank > total / 2 - ${Math.floor(count / 2)} order by rank limit ${count}`.execute(hub);
  return { plates: rows.map((row) => row.plate), people: Number(rows[Math.floor(rows.length / 2)]?.people ?? 0) };
}

/**
 * Residents with the most linked to them (organizations they represent,
 * events they are party to), among those whose records place them: the
 * largest resident dossiers.
 */
export async function busiestResidents(hub: Kysely<any>, count: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select to_key as id from crosswalk_link
    where not deleted and to_kind = 'PERSON'
      and to_key in (select entity_key from crosswalk where entity_kind = 'PERSON' and not deleted and address_code is not null)
    group by to_key order by count(*) desc, to_key limit ${count}`.execute(hub);
  return rows.map((row) => row.id);
}
