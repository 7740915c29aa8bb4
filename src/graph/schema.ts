import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Connector } from '../connectors/connector.js';
import { validateConnectors } from '../connectors/validate-connector.js';
import { connectorResolvers } from './resolvers/connector-resolvers.js';
import { entityFinders, entityResolvers } from './resolvers/entity-resolvers.js';
import { nodeResolversFor } from './resolvers/node-resolvers.js';
import { auditResolvers } from './resolvers/audit-resolvers.js';
import { type AccessModel, enforceAccess } from '../access/enforce.js';
import { provenanceExtensions } from './provenance-fields.js';
import { graphSubjects } from './subjects.js';
import { placeResolvers } from './resolvers/place-resolvers.js';
import { qualityResolvers } from './resolvers/quality-resolvers.js';
import { resolutionResolvers } from './resolvers/resolution-resolvers.js';
import { statisticsResolvers } from './resolvers/statistics-resolvers.js';

const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

/** The SDL files of the shared graph (schema/), in a stable order: the hub's part of the graph. */
export function sharedTypeDefs(): string[] {
  return fs
    .readdirSync(SCHEMA_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8'));
}

/** One connector's part of the graph: its SDL and the provenance fields of its facet types. */
export function connectorTypeDefs(connector: Connector): string[] {
  return [connector.typeDefs, ...provenanceExtensions([connector])].filter((sdl) => sdl.trim() !== '');
}

/** Every resolver of the graph, each connector's included: a schema holding part of the graph takes those of its fields. */
export function graphResolvers(connectors: readonly Connector[]) {
  return [
    nodeResolversFor(entityFinders(connectors)),
    placeResolvers,
    resolutionResolvers,
    qualityResolvers,
    entityResolvers,
    auditResolvers,
    statisticsResolvers,
    connectorResolvers(connectors) as never,
  ];
}

/** What access needs to know of the graph besides its schema: the departments, and how each value is located. */
export function graphAccessModel(connectors: readonly Connector[]): AccessModel {
  return { departments: connectors.map((c) => c.name), ...graphSubjects(connectors) };
}

/** The executable graph: the SDL of schema/ and of each connector, with their resolvers, every field behind its access rule. */
export function buildSchema(connectors: readonly Connector[]): GraphQLSchema {
  const typeDefs = [...sharedTypeDefs(), ...connectors.flatMap(connectorTypeDefs)];
  let schema: GraphQLSchema;
  try {
    schema = makeExecutableSchema({ typeDefs, resolvers: graphResolvers(connectors) });
  } catch (error) {
    // A connector that does not fit (an object type it never declared) fails here first: say which, by name, table and field.
    validateConnectors(connectors, makeExecutableSchema({ typeDefs }));
    throw error;
  }
  validateConnectors(connectors, schema);
  return enforceAccess(schema, graphAccessModel(connectors));
}
