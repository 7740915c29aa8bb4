import type { GraphQLResolveInfo } from 'graphql';
import { type Connector, ENTITY_TYPE_NAMES } from '../../connectors/connector.js';
import { countListedIn } from '../../crosswalk/entity-queries.js';
import type { RegionRow } from '../../db/hub-schema.js';
import { divisionPrefix } from '../../registry/division.js';
import type { GraphContext } from '../context.js';
import { linked, recordsOf, sharedValue } from '../entity-reads.js';
import { type EntityRef, facetValue } from '../parents.js';
import { common } from './entity-resolvers.js';

/**
 * The resolvers each connector's SDL needs, built from its mappings: its facet
 * fields (`Person.policeRegistration`, `Organization.foodLicences`), read live,
 * batched per request; and, for its object types, the fields every
 * RegisteredObject has.
 */
export function connectorResolvers(connectors: readonly Connector[]): Record<string, Record<string, unknown>> {
  type Field = (entity: EntityRef, args: unknown, context: GraphContext) => unknown;
  const resolvers: Record<string, Record<string, Field>> = {};
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      const type = mapping.entity === 'OBJECT' ? mapping.objectType! : ENTITY_TYPE_NAMES[mapping.entity];
      resolvers[type] ??= {};
      resolvers[type][mapping.facet.field] = async (entity, _, context) => {
        const source = context.sources.get(connector.name);
        if (source === undefined) return mapping.facet.many ? [] : null;
        const all = context.loaders.recordsKnown(entity.kind, entity.key) ?? (await context.loaders.records(entity.kind).load(entity.key));
        const records = all.filter((r) => r.source === connector.name && r.source_table === mapping.table);
        const facets = await Promise.all(records.map((r) => context.loaders.facets(source, mapping).load(r.record_id)));
        const present = facets.filter((facet) => facet !== null).map((facet) => facetValue(facet, entity, connector.name));
        return mapping.facet.many ? present : (present[0] ?? null);
      };
      if (mapping.servesGrid !== undefined) {
        const { field, column } = mapping.servesGrid;
        (resolvers.Grid ??= {})[field] = async (grid: unknown, _, context) => {
          const source = context.sources.get(connector.name);
          if (source === undefined) return [];
          const facets = await context.loaders.facetsWhere(source, mapping, column).load((grid as { code: string }).code);
          return facets.map((facet) => facetValue(facet, undefined, connector.name));
        };
      }
      if (mapping.countField !== undefined) {
        (resolvers.Region ??= {})[mapping.countField] = (region: unknown, _, { db, access }) => {
          const { code, level } = region as RegionRow;
          return countListedIn(db, { source: connector.name, table: mapping.table, kind: mapping.entity }, divisionPrefix(code, level), access.viewer.scope);
        };
      }
      for (const link of mapping.links ?? []) {
        if (link.field === undefined) continue;
        resolvers[type][link.field] = async (entity, _, context) => {
          const other = (await linked(entity, 'from', link.to, context)).find((l) => l.role === link.role)?.entity ?? null;
          // An object's type is read off its records: known before it is returned, its abstract type resolves at once (compiled execution needs that).
          if (other !== null && link.to === 'OBJECT') await recordsOf(other, context);
          return other;
        };
      }
      if (mapping.entity === 'OBJECT') {
        Object.assign(resolvers[type], {
          id: (object: EntityRef, _: unknown, { ids }: GraphContext) => ids.id(type, object.key),
          key: (object: EntityRef) => object.key,
          kind: (object: EntityRef, _: unknown, context: GraphContext, info: GraphQLResolveInfo) => sharedValue(object, 'kind', context, info),
          name: (object: EntityRef, _: unknown, context: GraphContext, info: GraphQLResolveInfo) => sharedValue(object, 'name', context, info),
          address: common.address,
          records: common.records,
        });
      }
    }
  }
  return resolvers;
}
