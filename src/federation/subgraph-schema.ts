import { buildSubgraphSchema as buildFederatedSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getNullableType, type GraphQLFieldResolver, GraphQLObjectType, GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { enforceAccess } from '../access/enforce.js';
import type { Connector } from '../connectors/connector.js';
import type { GraphContext } from '../graph/context.js';
import { entityFinders } from '../graph/resolvers/entity-resolvers.js';
import { nodeFinder } from '../graph/resolvers/node-resolvers.js';
import { buildSchema, graphAccessModel, graphResolvers } from '../graph/schema.js';
import { type SubgraphDefinition, subgraphDefinitions } from './subgraph-sdl.js';

/** Federation's entity look-up: the one root field a subgraph adds that reads data. */
export const ENTITIES_FIELD = '_entities';
const ENTITY_UNION = '_Entity';

/** The names `gridgraph serve --subgraph` takes: `hub` and each connector's. */
export function subgraphNames(connectors: readonly Connector[]): string[] {
  return subgraphDefinitions(connectors).map((d) => d.name);
}

/**
 * One part of the graph as an executable Federation 2 subgraph (`_service`,
 * `_entities`), behind the same access rules as the whole graph. An entity
 * representation is looked up as `node(id:)` looks an id up — an id that does
 * not open, names another type or finds nothing is `null` — and `_entities`
 * is located as `node` is: an entity outside the caller's area reads as `null`.
 * Every field it reaches is the graph's own, wrapped by `enforceAccess`, so
 * masks, denials and audit hold for a caller reaching a subgraph directly.
 */
export function buildSubgraphSchema(name: string, connectors: readonly Connector[]): { schema: GraphQLSchema; definition: SubgraphDefinition } {
  const definition = subgraphDefinitions(connectors).find((d) => d.name === name);
  if (definition === undefined) throw new Error(`no subgraph ${name}: the subgraphs are ${subgraphNames(connectors).join(', ')}`);
  // The whole graph first, as the single process builds it: a connector that does not fit fails here, by name, the same way.
  buildSchema(connectors);
  const findNode = nodeFinder(entityFinders(connectors));
  const references = Object.fromEntries(
    definition.entityTypes.map((type) => [type, { __resolveReference: (reference: { id?: unknown }, context: GraphContext) => findNode(reference.id, context, type) }]),
  );
  const federated = buildFederatedSchema({ typeDefs: definition.document, resolvers: mergeResolverMaps([...graphResolvers(connectors), references]) });
  const schema = mapSchema(federated, {
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name === '_Service') return new GraphQLObjectType({ ...type.toConfig(), extensions: classified(STRUCTURE) });
      if (type.name !== federated.getQueryType()?.name) return type;
      const config = type.toConfig();
      // `_service` answers the SDL composition reads, without gridgraph's own directives: plumbing, as a page's position is.
      config.fields._service = { ...config.fields._service, resolve: () => ({ sdl: definition.sdl }), extensions: classified(STRUCTURE) };
      // `_entities` is classified as `node` is (L1), located as it is, and public: the door-plate view reaches a grid's
      // workers through it. Nullable, unlike federation's `[_Entity]!`: a role it is denied to (the auditor) gets
      // null and FORBIDDEN, as everywhere, and the build's check that denials never null a parent holds.
      const entities = config.fields[ENTITIES_FIELD];
      config.fields[ENTITIES_FIELD] = {
        ...entities,
        type: getNullableType(entities.type),
        extensions: classified({ level: 'L1' }, true),
        resolve: onlyKnownEntities(entities.resolve!, new Set(definition.entityTypes)),
      };
      return new GraphQLObjectType(config);
    },
  });
  const model = graphAccessModel(connectors);
  return {
    definition,
    schema: enforceAccess(schema, {
      ...model,
      // A value of `_Entity` is located as the type it was found as, as a `node(id:)` is.
      subjectOf: (typeName, value) => model.subjectOf(typeName === ENTITY_UNION ? 'Node' : typeName, value),
      locatedTypes: new Set([...model.locatedTypes, ENTITY_UNION]),
    }),
  };
}

const STRUCTURE = { level: 'L1', domain: 'STRUCTURE' };

/** A field's or type's classification given in its extensions (where `@classified` in SDL would put it), for the fields federation adds. */
function classified(args: Record<string, string>, isPublic = false): { directives: Record<string, object[]> } {
  return { directives: { classified: [args], ...(isPublic ? { public: [{}] } : {}) } };
}

/** The resolver maps as one, later maps adding fields to earlier ones' types; a scalar is taken whole. */
function mergeResolverMaps(maps: readonly object[]): GraphQLResolverMap<unknown> {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [type, resolvers] of Object.entries(map)) {
      merged[type] = resolvers instanceof GraphQLScalarType ? resolvers : { ...(merged[type] as object | undefined), ...(resolvers as object) };
    }
  }
  return merged as GraphQLResolverMap<unknown>;
}

/**
 * `_entities` asked only of this subgraph's entity types, by their `id` and
 * nothing else: a representation naming an interface, a union or a type it
 * does not resolve, or carrying other fields, would reach resolvers that read
 * the caller's fields as if the graph had found them. Those answer `null`.
 */
function onlyKnownEntities(resolve: GraphQLFieldResolver<unknown, unknown>, entityTypes: ReadonlySet<string>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const given = (args as { representations: { __typename?: unknown; id?: unknown }[] }).representations;
    const known = given.flatMap((r, i) => (typeof r?.__typename === 'string' && entityTypes.has(r.__typename) ? [{ i, representation: { __typename: r.__typename, id: r.id } }] : []));
    const found = resolve(source, { ...args, representations: known.map((k) => k.representation) }, context, info) as unknown[] | Promise<unknown[]>;
    const placed = (values: unknown[]) => {
      const answer: unknown[] = given.map(() => null);
      known.forEach((k, j) => (answer[k.i] = values[j]));
      return answer;
    };
    return Array.isArray(found) ? placed(found) : Promise.resolve(found).then(placed);
  };
}
