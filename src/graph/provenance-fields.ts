import type { Connector } from '../connectors/connector.js';

/**
 * The fields the engine itself stamps on every facet, added to each facet type
 * here rather than written into every connector's SDL: the facet reader sets
 * them (sources/facet-reader.ts), so their declaration and classification
 * belong with it.
 */
const PROVENANCE_SDL = `
  "When gridgraph read this record live from its source (ISO 8601): provenance."
  readAt: String! @classified(level: L2, domain: METADATA)`;

/** `extend type … { readAt }` for every connector's facet types. */
export function provenanceExtensions(connectors: readonly Connector[]): string[] {
  const facetTypes = new Set(connectors.flatMap((connector) => connector.tables.map((mapping) => mapping.facet.type)));
  return [...facetTypes].map((type) => `extend type ${type} {${PROVENANCE_SDL}\n}`);
}
