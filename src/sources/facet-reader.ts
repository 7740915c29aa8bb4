import type { Connector, FieldMapping, TableMapping } from '../connectors/connector.js';
import { DEFAULT_UTC_OFFSET, isoDate, isoDateTime, parseLocalTime } from './local-time.js';
import type { SourceDatabase } from './source-database.js';
import { readRowsWhere } from './source-queries.js';

/** A facet as the graph returns it: field name → value, codes translated, dates in ISO 8601. */
export type Facet = Record<string, string | null>;

/**
 * Reads the facets of the given records from a source table in one statement,
 * selecting only the mapped columns. Records not found (deleted since the last
 * sync) are absent from the map.
 */
export async function readFacets(source: SourceDatabase, mapping: TableMapping, recordIds: readonly string[]): Promise<Map<string, Facet>> {
  return new Map(await selectFacets(source, mapping, mapping.recordId, recordIds));
}

/** The facets of the records whose `column` holds one of `values`, grouped by that value: one statement. */
export async function readFacetsWhere(source: SourceDatabase, mapping: TableMapping, column: string, values: readonly string[]): Promise<Map<string, Facet[]>> {
  const groups = new Map<string, Facet[]>();
  for (const [value, facet] of await selectFacets(source, mapping, column, values)) {
    const group = groups.get(value);
    if (group === undefined) groups.set(value, [facet]);
    else group.push(facet);
  }
  return groups;
}

async function selectFacets(source: SourceDatabase, mapping: TableMapping, column: string, values: readonly string[]): Promise<[string, Facet][]> {
  const fields = Object.entries(mapping.facet.fields);
  const rows = await readRowsWhere(source.db, mapping, column, values, fields.map(([, field]) => field.column));
  const readAt = new Date().toISOString();
  return rows.map((row) => {
    // Provenance: every facet says when it was read (the engine declares the field: graph/provenance-fields.ts); the record itself says from where.
    const facet: Facet = { readAt };
    for (const [name, field] of fields) facet[name] = presentValue(source.connector, field, row[field.column]);
    return [String(row[column]), facet];
  });
}

/** A raw column value as the graph shows it: trimmed, translated through its code table, dates and times in ISO 8601 (times with the source's zone). */
export function presentValue(connector: Connector, field: FieldMapping, raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const value = String(raw).trim();
  if (value === '') return null;
  if (field.codeTable !== undefined) return connector.codeTables[field.codeTable]?.[value] ?? null;
  if (field.format === undefined) return value;
  const time = parseLocalTime(value, field.format);
  if (time === null) return null;
  return field.format === 'yyyyMMdd' ? isoDate(time) : isoDateTime(time, connector.utcOffset ?? DEFAULT_UTC_OFFSET);
}

/** The raw text of a value declared as a date or time that is not one, or null when it is one (or empty, or not a date field). */
export function invalidDateText(field: FieldMapping, raw: unknown): string | null {
  if (field.format === undefined || field.codeTable !== undefined || raw === null || raw === undefined) return null;
  const value = String(raw).trim();
  return value === '' || parseLocalTime(value, field.format) !== null ? null : value;
}
