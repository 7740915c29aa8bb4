import { type Connector, ENTITY_TYPE_NAMES, type TableMapping } from '../connectors/connector.js';
import type { FieldRule } from './classification.js';
import { decide } from './policy.js';
import type { Viewer } from './viewer.js';

/** A source record as provenance and conflicts show it: which source and table it is in. */
export interface RecordOrigin {
  readonly source: string;
  readonly source_table: string;
}

/** Which source records a caller may know exist (see `recordVisibility`). */
export interface RecordVisibility {
  /** Whether the caller may know this record exists. */
  visible(viewer: Viewer, record: RecordOrigin): boolean;
  /** The source tables whose records the caller may know of. */
  visibleTables(viewer: Viewer): RecordOrigin[];
}


function facetCoordinate(mapping: TableMapping): string | undefined {
  const type = mapping.entity === 'OBJECT' ? mapping.objectType : ENTITY_TYPE_NAMES[mapping.entity];
  return type === undefined ? undefined : `${type}.${mapping.facet.field}`;
}

/**
 * A record's table says something about its entity: a person listed in the
 * police's key-person table is a key person (L4), one in civil affairs'
 * assistance table receives welfare (L3). So a record — its provenance, a value
 * it gives in a conflict — is shown only to a caller who may see the facet its
 * table feeds: always for an L1/L2 facet (provenance is metadata), and for an
 * L3/L4 one only where that facet is not withheld from the caller. A record of
 * a table no connector maps is shown to no one.
 */
export function recordVisibility(rules: ReadonlyMap<string, FieldRule>, connectors: readonly Connector[]): RecordVisibility {
  const facetRules = new Map<string, FieldRule | undefined>();
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      const coordinate = facetCoordinate(mapping);
      facetRules.set(`${connector.name}\u0000${mapping.table}`, coordinate === undefined ? undefined : rules.get(coordinate));
    }
  }
  const visible = (viewer: Viewer, record: RecordOrigin) => {
    const rule = facetRules.get(`${record.source}\u0000${record.source_table}`);
    if (rule === undefined) return false;
    if (rule.level === 'L1' || rule.level === 'L2') return true;
    return decide(viewer, rule, rule.department ?? record.source) !== 'DENIED';
  };
  const tables = connectors.flatMap((c) => c.tables.map((t) => ({ source: c.name, source_table: t.table })));
  return { visible, visibleTables: (viewer) => tables.filter((table) => visible(viewer, table)) };
}
