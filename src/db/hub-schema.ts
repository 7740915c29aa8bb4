import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * The hub database: gridgraph's own data. Department data stays in the
 * departments' databases; the hub keeps the standard-address registry (and,
 * later, the crosswalk and the audit log).
 */
export interface HubSchema {
  region: RegionTable;
  grid: GridTable;
  standard_address: StandardAddressTable;
  registry_state: RegistryStateTable;
  crosswalk: CrosswalkTable;
  crosswalk_link: CrosswalkLinkTable;
  sync_watermark: SyncWatermarkTable;
  sync_run: SyncRunTable;
  sync_table_issue: SyncTableIssueTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  hub_secret: HubSecretTable;
}

/** The kinds of entity a source record can stand for (人、组织、事、物): the crosswalk's `entity_kind`. */
export type EntityKind = 'PERSON' | 'ORGANIZATION' | 'EVENT' | 'OBJECT';

export type RegionLevel = 'PROVINCE' | 'CITY' | 'DISTRICT' | 'STREET' | 'COMMUNITY';
export type GridKind = 'RESIDENTIAL' | 'DEDICATED';
export type AddressLevel = 'DOOR' | 'BUILDING' | 'ROOM';

/** An administrative division, keyed by its GB/T 2260 or statistical code. */
export interface RegionTable {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
}

/** 网格: the unit a grid worker serves. */
export interface GridTable {
  code: string;
  name: string;
  kind: GridKind;
  community_code: string;
  updated_at: Generated<Date>;
}

/** 标准地址: one door, building or room of the registry. */
export interface StandardAddressTable {
  code: string;
  level: AddressLevel;
  province: string;
  city: string;
  district: string;
  street: string;
  community: string;
  /** The community's 12-digit statistical code. */
  division_code: string;
  road: string;
  /** 门牌号, e.g. `292`, `88-1`. */
  road_number: string;
  compound: string | null;
  building: string | null;
  unit: string | null;
  floor: string | null;
  room: string | null;
  parent_code: string | null;
  grid_code: string | null;
  /** 二维码门牌: the QR code on the plate, unique where present. */
  door_plate_code: string | null;
  longitude: number | null;
  latitude: number | null;
  full_text: string;
  updated_at: Generated<Date>;
}

/** One row: how many times the registry has changed (bigint, read as a string by `pg`). */
export interface RegistryStateTable {
  id: number;
  revision: Generated<string>;
}

/** One source record and what it stands for: the crosswalk of DESIGN §4. */
export interface CrosswalkTable {
  source: string;
  source_table: string;
  record_id: string;
  entity_kind: EntityKind;
  /** Normalised natural key; null when the record's key failed validation. */
  entity_key: string | null;
  key_problem: string | null;
  address_code: string | null;
  address_status: 'MATCHED' | 'PARTIAL' | 'AMBIGUOUS' | 'UNMATCHED' | null;
  address_confidence: number | null;
  /** The source's change column, in its native text form. */
  changed_at: string | null;
  /** The record's values of its entity's shared fields (name, phone …), for conflicts. */
  shared: Record<string, string> | null;
  /** What is wrong in the record's row though it could be synced, with the raw text; null when nothing is. */
  problems: RecordProblems | null;
  deleted: Generated<boolean>;
  synced_at: Generated<Date>;
}

/** A link between two entities that a source record states. */
export interface CrosswalkLinkTable {
  source: string;
  source_table: string;
  record_id: string;
  role: string;
  from_kind: CrosswalkTable['entity_kind'];
  from_key: string;
  to_kind: CrosswalkTable['entity_kind'];
  to_key: string;
  deleted: Generated<boolean>;
  synced_at: Generated<Date>;
}

export type CrosswalkLinkRow = Selectable<CrosswalkLinkTable>;

/** Problems of one source row that did not stop it being synced (issue 16). */
export interface RecordProblems {
  /** The row's change value, when it is not a time in the column's format or lies too far in the future. */
  changeValue?: string;
  /** Facet field → raw text, for date and time values that are not real dates or times in their declared format. */
  invalidDates?: Record<string, string>;
}

/**
 * Where the last sync of a source table got to: the keyset position (change
 * value, record id) of the last row with a good change value it wrote.
 */
export interface SyncWatermarkTable {
  source: string;
  source_table: string;
  watermark: string;
  /** Null on watermarks written before the keyset (migration 0006). */
  record_id: string | null;
}

/** What no crosswalk row can hold: a row without a record id, a record id several rows share. */
export interface SyncTableIssueTable {
  source: string;
  source_table: string;
  kind: 'INVALID_RECORD_ID' | 'DUPLICATE_RECORD_ID';
  position: number;
  record_id: string | null;
  change_value: string | null;
  /** Rows the issue covers (the rows sharing a duplicate id). */
  rows: Generated<number>;
  reason: string;
  found_at: Generated<Date>;
}

export interface SyncRunTable {
  id: Generated<number>;
  source: string;
  /** Null on runs recorded before migration 0006. */
  source_table: string | null;
  /** Rows read but not synced: no record id. */
  rows_skipped: Generated<number>;
  mode: 'FULL' | 'INCREMENTAL';
  started_at: Date;
  finished_at: Date | null;
  rows_scanned: Generated<number>;
  rows_deleted: Generated<number>;
  error: string | null;
}

export type CrosswalkRow = Selectable<CrosswalkTable>;

export type RegionRow = Selectable<RegionTable>;
export type GridRow = Selectable<GridTable>;
export type StandardAddressRow = Selectable<StandardAddressTable>;

/** One audit record: one entity whose unmasked L3/L4 fields one response carried (DESIGN §5). */
export interface AuditLogTable {
  /** Position in the hash chain, from 1 (bigint, read as a string by `pg`). */
  sequence: string;
  at: Date;
  actor: string;
  actor_name: string | null;
  roles: string[];
  purpose: string | null;
  operation_name: string | null;
  document_hash: string;
  request_id: string;
  client_address: string | null;
  entity_type: string;
  entity_key: string | null;
  fields: string[];
  previous_hash: string;
  hash: string;
}

export type AuditLogRow = Selectable<AuditLogTable>;

/** The chain's last link: one row. */
export interface AuditHeadTable {
  id: number;
  sequence: string;
  hash: string;
}

/** A secret the hub keeps for itself (the global-id key), shared by every process on this database. */
export interface HubSecretTable {
  name: string;
  value: Uint8Array;
  created_at: ColumnType<Date, never, never>;
}
