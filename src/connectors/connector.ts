import type { Kysely } from 'kysely';
import type { EntityKind, StandardAddressRow } from '../db/hub-schema.js';

/**
 * A connector: everything gridgraph knows about one department's database, as
 * one object (docs/design.md §4.2). The engine reads sources only through this contract
 * and never names a department; adding a SQL source is a new folder under
 * `connectors/` exporting one of these.
 */
export interface Connector {
  /** Stable, lower-case name: the source's key in the crosswalk and in its URL variable (`police`). */
  readonly name: string;
  /** The department, for people (`公安`). */
  readonly department: string;
  /**
   * The variable holding the source's connection URL (`GRIDGRAPH_SOURCE_POLICE_URL`).
   * Unset on the embedded default: the source then lives in its own PGlite
   * database in the data folder.
   */
  readonly urlVariable: string;
  /** SDL extending the shared entities with this source's facets; empty when it adds none yet. */
  readonly typeDefs: string;
  /** How each of its tables maps onto the graph. */
  readonly tables: readonly TableMapping[];
  /** Tables whose rows link two entities (a dispute's parties). */
  readonly linkTables?: readonly LinkTableMapping[];
  /**
   * The roles its links state (`LANDLORD`, `LEGAL_REPRESENTATIVE`), each with
   * what it means: the values of `PersonRole.role`, `OrganizationRole.role` and
   * `EventParty.role`. Every role a link or link table can state must be here
   * (validate-connector.ts). @default {}
   */
  readonly linkRoles?: Readonly<Record<string, string>>;
  /** Code tables that translate the source's codes (`XBDM` 1 → `MALE`), by name. */
  readonly codeTables: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Demo data in the source's native schema, for the embedded default and tests. */
  readonly demo?: DemoSource;
  /**
   * The source's local zone, as an offset: its times carry no zone of their own,
   * and the graph serves them with this one (stage times `…T08:30:00+08:00`).
   * @default '+08:00' (Asia/Shanghai)
   */
  readonly utcOffset?: string;
  /** What the command centre's statistics need to know about this source's events (issue 21). @default none */
  readonly statistics?: EventStatisticsDeclaration;
}

/** How a source's events count in the command centre's statistics and stability index. */
export interface EventStatisticsDeclaration {
  /** Event table → what its events are for the rates per 1,000 residents: police incidents (警情) or disputes (矛盾纠纷). */
  readonly rateKinds?: Readonly<Record<string, 'INCIDENT' | 'DISPUTE'>>;
  /** Category (as the code table translates it) → hours from the first recorded stage to 结案 before the event is overdue. */
  readonly timeLimitHours?: Readonly<Record<string, number>>;
}

export type { EntityKind };

/** The GraphQL type of each kind of entity; objects take theirs from their table's mapping (`objectType`). */
export const ENTITY_TYPE_NAMES: Readonly<Record<Exclude<EntityKind, 'OBJECT'>, string>> = { PERSON: 'Person', ORGANIZATION: 'Organization', EVENT: 'Event' };

/** How a record's natural key is checked: GB 11643, GB 32100, or as the source's own id. */
export type KeyKind = 'ID_NUMBER' | 'CREDIT_CODE' | 'SOURCE_ID';

/**
 * A declarative mapping of one source table onto the graph: which column is
 * the record's id, which is the entity's key, which is the address text, which
 * tells when a row changed, and which fields make up the source's facet.
 */
export interface TableMapping {
  /** The table's name as the source writes it (`T_RK_RKXX`). */
  readonly table: string;
  readonly entity: EntityKind;
  /** The column identifying a row within the table (`RYBH`). */
  readonly recordId: string;
  /** The column holding the entity's natural key, and how to check it. */
  readonly key: { readonly column: string; readonly kind: KeyKind };
  /** The column holding the record's address as free text, resolved to a standard address on sync. */
  readonly address?: { readonly column: string };
  /**
   * The column that grows when a row changes: incremental syncs read rows after
   * the last value seen. Its values must sort in time order in their native form
   * (a timestamp, or text such as `yyyy-MM-dd HH:mm:ss` or `yyyyMMddHHmmss`).
   */
  readonly changedAt?: string;
  /**
   * How the change column writes a time. A value that is not one (or lies in
   * the future beyond the sync's tolerance) never moves the watermark; its row
   * is synced and listed as a bad change value. @default 'timestamp'
   */
  readonly changedAtFormat?: ChangeValueFormat;
  /** A soft-delete flag: a row whose column equals the value is gone from the graph. */
  readonly deletedWhen?: { readonly column: string; readonly equals: string };
  /** The facet this table contributes to its entity: a GraphQL field name and its fields. */
  readonly facet: FacetMapping;
  /** For an OBJECT table: the GraphQL type (implementing `RegisteredObject`) its records are, declared in the connector's SDL. */
  readonly objectType?: string;
  /** Links each record makes to another entity through one of its columns (an enterprise's legal representative). */
  readonly links?: readonly LinkMapping[];
  /**
   * Records that serve a grid (a grid worker's registration): `Grid.<field>`
   * lists the facets of the records whose `column` holds the grid's code.
   */
  readonly servesGrid?: { readonly field: string; readonly column: string };
  /**
   * `Region.<countField>`: how many entities this table lists in the region (and
   * the caller's area), by where their records put them — the "counts only" of
   * a restricted list (key persons, special populations).
   */
  readonly countField?: string;
}

/** A link from a record's entity to another entity named in one of its columns. */
export interface LinkMapping {
  /** What the other entity is to this one (`LEGAL_REPRESENTATIVE`): one of the connector's `linkRoles`. */
  readonly role: string;
  readonly to: EntityKind;
  readonly column: string;
  readonly kind: KeyKind;
  /**
   * A field on this record's entity type that resolves to the linked entity:
   * declared in the connector's SDL (`RentalHousing.landlord`) or the shared
   * one (`Organization.legalRepresentative`). Connectors filling the same field
   * must state the same role by it.
   */
  readonly field?: string;
}

/** A table whose rows each link two entities, with a role (`T_ZZ_JFDSR`: dispute, party, 申请人/被申请人). */
export interface LinkTableMapping {
  readonly table: string;
  readonly recordId: string;
  readonly changedAt?: string;
  /** As {@link TableMapping.changedAtFormat}. @default 'timestamp' */
  readonly changedAtFormat?: ChangeValueFormat;
  readonly from: { readonly entity: EntityKind; readonly column: string; readonly kind: KeyKind };
  readonly to: { readonly entity: EntityKind; readonly column: string; readonly kind: KeyKind };
  /** The role: a column (through a code table), or the same value for every row. */
  readonly role: { readonly column: string; readonly codeTable?: string } | { readonly value: string };
}

/** The source's own view of an entity, exposed as one field (`Person.policeRegistration`). */
export interface FacetMapping {
  /** The field on the entity type, declared in the connector's SDL. */
  readonly field: string;
  /** The entity can have several records in this table (licences, inspections): the field is a list. @default false */
  readonly many?: boolean;
  /** The facet's GraphQL type, declared in the connector's SDL. */
  readonly type: string;
  /**
   * Facet field → where its value comes from. A field named like one of the
   * entity's shared fields (a person's `name` and `phone`, an organization's
   * `name`, an event's `category`, `description` and stage times) also feeds
   * that field, in connector precedence order; differing values across sources
   * are reported as conflicts.
   */
  readonly fields: Readonly<Record<string, FieldMapping>>;
}

export interface FieldMapping {
  readonly column: string;
  /** Translate the raw value through this code table of the connector. */
  readonly codeTable?: string;
  /**
   * Reformat a local date or time to ISO 8601 (a time with the connector's
   * offset). A value that is not a real date or time in this format is served
   * as null and counted in the quality report.
   */
  readonly format?: LocalTimeFormat;
}

/** Demo data for a connector: the native schema and rows generated over a registry. */
export interface DemoSource {
  /** Creates the source's tables and code tables (idempotent). */
  createSchema(db: Kysely<any>): Promise<void>;
  /**
   * Fills the source with deterministic rows placed on the registry's addresses,
   * defects included; `scale` multiplies the number of records. Writes in
   * batches and reports rows written.
   */
  generate(db: Kysely<any>, places: DemoPlaces, options: DemoOptions): Promise<DemoReport>;
}

/** What a demo generator wrote, and the defects it put in on purpose, so tests can expect exact counts. */
export interface DemoReport {
  /** Rows written, per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** Defects among live (not deleted) records, per table and kind (`checkDigit`, `unresolvableAddress` …). */
  readonly defects: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Records written as deleted (cancelled, stale), per table. */
  readonly deleted: Readonly<Record<string, number>>;
}

/** The registry's addresses a demo places its records at. */
export interface DemoPlaces {
  readonly rooms: readonly StandardAddressRow[];
  readonly doors: readonly StandardAddressRow[];
}

export interface DemoOptions {
  /** Records grow with it: 1 is a few thousand residents on the demo district. */
  readonly scale: number;
  readonly seed: number;
  readonly onProgress?: (rows: number) => void;
}

/** Formats a facet field's value may be declared in. */
export type LocalTimeFormat = 'yyyyMMdd' | 'yyyy-MM-dd HH:mm:ss' | 'yyyyMMddHHmmss' | 'yyyy/MM/dd HH:mm';

/**
 * Formats a change column may be declared in. `timestamp` (the default) is a
 * native timestamp column, or text in its form: `yyyy-MM-dd HH:mm:ss`, with
 * optional fractional seconds and zone offset.
 */
export type ChangeValueFormat = 'timestamp' | 'yyyyMMddHHmmss' | 'yyyy/MM/dd HH:mm';
