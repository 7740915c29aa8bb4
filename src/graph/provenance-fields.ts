import { type DefinitionNode, Kind, parse } from 'graphql';
import { type Connector, ENTITY_TYPE_NAMES } from '../connectors/connector.js';

/**
 * The fields the engine itself stamps on every facet, added to each facet type
 * here rather than written into every connector's SDL: the facet reader sets
 * them (sources/facet-reader.ts), so their declaration and classification
 * belong with it.
 */
const PROVENANCE_SDL = `
  "When gridgraph read this record live from its source (ISO 8601): provenance."
  readAt: String! @classified(level: L2, domain: METADATA)`;

/** The named type of `field` on `typeName`, as a connector's SDL declares it (on the type or an extension of it). */
function declaredTypeOf(definitions: readonly DefinitionNode[], typeName: string, field: string): string | undefined {
  for (const definition of definitions) {
    if ((definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) || definition.name.value !== typeName) continue;
    let type = definition.fields?.find((f) => f.name.value === field)?.type;
    while (type !== undefined && type.kind !== Kind.NAMED_TYPE) type = type.type;
    if (type !== undefined) return type.name.value;
  }
  return undefined;
}

/** `extend type … { readAt }` for every facet type of the connectors (entity facets and grid facets). */
export function provenanceExtensions(connectors: readonly Connector[]): string[] {
  const facetTypes = new Set<string>();
  for (const connector of connectors) {
    if (connector.typeDefs.trim() === '') continue;
    const { definitions } = parse(connector.typeDefs);
    for (const mapping of connector.tables) {
      const entityType = mapping.entity === 'OBJECT' ? mapping.objectType : ENTITY_TYPE_NAMES[mapping.entity];
      const facet = entityType === undefined ? undefined : declaredTypeOf(definitions, entityType, mapping.facet.field);
      if (facet !== undefined) facetTypes.add(facet);
      const served = mapping.servesGrid === undefined ? undefined : declaredTypeOf(definitions, 'Grid', mapping.servesGrid.field);
      if (served !== undefined) facetTypes.add(served);
    }
  }
  return [...facetTypes].map((type) => `extend type ${type} {${PROVENANCE_SDL}\n}`);
}
