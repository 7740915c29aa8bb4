import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import type { Connector } from '../connectors/connector.js';
import { HUB_SUBGRAPH, subgraphDefinitions } from './subgraph-sdl.js';

/** The port of each subgraph in the documented topology (deploy/gateway/README.md): the hub on 4001, the connectors from 4002 in installation order. */
export const FIRST_SUBGRAPH_PORT = 4001;

/** Where each subgraph answers unless told otherwise: `http://localhost:<port>/graphql`, ports as FIRST_SUBGRAPH_PORT says. */
export function defaultSubgraphUrls(connectors: readonly Connector[]): Map<string, string> {
  const names = [HUB_SUBGRAPH, ...connectors.map((c) => c.name)];
  return new Map(names.map((name, i) => [name, `http://localhost:${FIRST_SUBGRAPH_PORT + i}/graphql`]));
}

/** Composition failed: the composer's messages, one a line. */
export class CompositionError extends Error {
  constructor(readonly messages: readonly string[]) {
    super(`the subgraphs do not compose:\n${messages.join('\n')}`);
    this.name = 'CompositionError';
  }
}

/**
 * The supergraph of the hub's and every connector's subgraph, composed by The
 * Guild's Federation 2 composer (the one Hive uses), each subgraph at its URL
 * in `urls` (a name missing there: its default URL). Throws CompositionError.
 */
export function composeSupergraph(connectors: readonly Connector[], urls: ReadonlyMap<string, string> = new Map()): string {
  const defaults = defaultSubgraphUrls(connectors);
  const unknown = [...urls.keys()].filter((name) => !defaults.has(name));
  if (unknown.length > 0) throw new Error(`no subgraph ${unknown.join(', ')}: the subgraphs are ${[...defaults.keys()].join(', ')}`);
  const result = composeServices(
    subgraphDefinitions(connectors).map((d) => ({ name: d.name, typeDefs: parse(d.sdl), url: urls.get(d.name) ?? defaults.get(d.name)! })),
  );
  if (result.errors !== undefined && result.errors.length > 0) throw new CompositionError(result.errors.map((e) => e.message));
  return `${result.supergraphSdl!.trim()}\n`;
}
