import { type Kysely, sql } from 'kysely';

/** The standard-address registry: regions, grids and addresses with their door plates. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('region')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('parent_code', 'text', (c) => c.references('region.code'))
    .execute();
  await db.schema.createIndex('region_parent_idx').on('region').columns(['parent_code', 'code']).execute();

  await db.schema
    .createTable('grid')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('community_code', 'text', (c) => c.notNull().references('region.code'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('grid_community_idx').on('grid').columns(['community_code', 'code']).execute();

  await db.schema
    .createTable('standard_address')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('province', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('district', 'text', (c) => c.notNull())
    .addColumn('street', 'text', (c) => c.notNull())
    .addColumn('community', 'text', (c) => c.notNull())
    .addColumn('division_code', 'text', (c) => c.notNull().references('region.code'))
    .addColumn('road', 'text', (c) => c.notNull())
    .addColumn('road_number', 'text', (c) => c.notNull())
    .addColumn('compound', 'text')
    .addColumn('building', 'text')
    .addColumn('unit', 'text')
    .addColumn('floor', 'text')
    .addColumn('room', 'text')
    .addColumn('parent_code', 'text')
    .addColumn('grid_code', 'text', (c) => c.references('grid.code'))
    .addColumn('door_plate_code', 'text')
    .addColumn('longitude', 'double precision')
    .addColumn('latitude', 'double precision')
    .addColumn('full_text', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Both deferred to commit: an import may name a parent before the parent's own
  // row, or move a plate from one address to another.
  await sql`alter table standard_address add constraint standard_address_parent_fkey
            foreign key (parent_code) references standard_address (code) deferrable initially deferred`.execute(db);
  await sql`alter table standard_address add constraint standard_address_door_plate_key
            unique (door_plate_code) deferrable initially deferred`.execute(db);
  await db.schema.createIndex('standard_address_parent_idx').on('standard_address').columns(['parent_code', 'code']).execute();
  await db.schema.createIndex('standard_address_grid_idx').on('standard_address').columns(['grid_code', 'code']).execute();
  await db.schema
    .createIndex('standard_address_division_idx')
    .on('standard_address')
    .columns(['division_code', 'code'])
    .execute();
  await db.schema
    .createIndex('standard_address_door_key_idx')
    .on('standard_address')
    .columns(['road', 'road_number', 'division_code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('standard_address').execute();
  await db.schema.dropTable('grid').execute();
  await db.schema.dropTable('region').execute();
}
