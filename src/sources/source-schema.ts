import { type Kysely, type KyselyPlugin, type OperationNode, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, RawNode, type RootOperationNode, sql, TableNode, type UnknownRow, WithSchemaPlugin } from 'kysely';

/**
 * Reads and writes a source's tables in its own schema (the demo sources on the
 * embedded default share one database, each in a schema of its own). Queries
 * built with Kysely's builders are qualified by Kysely's WithSchemaPlugin; the
 * source SQL written as templates (sources/source-queries.ts, the demo's
 * tables) names its tables with `sql.table`, which this plugin qualifies too —
 * WithSchemaPlugin leaves template SQL alone.
 */
export class SourceSchemaPlugin implements KyselyPlugin {
  readonly #builders: WithSchemaPlugin;

  constructor(readonly schema: string) {
    this.#builders = new WithSchemaPlugin(schema);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (RawNode.is(args.node)) return this.#qualify(args.node) as RootOperationNode;
    return this.#builders.transformQuery(args);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return this.#builders.transformResult(args);
  }

  /** A template's `sql.table` parameters, in it or in templates nested in it, with the schema added where none is named. */
  #qualify(node: OperationNode): OperationNode {
    if (TableNode.is(node)) return node.table.schema === undefined ? TableNode.createWithSchema(this.schema, node.table.identifier.name) : node;
    if (RawNode.is(node)) return { ...node, parameters: node.parameters.map((parameter) => this.#qualify(parameter)) } as RawNode;
    return node;
  }
}

/** The schema of a demo source in the embedded database: `source_<name>`, a plain identifier. */
export function embeddedSourceSchema(connectorName: string): string {
  return `source_${connectorName.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
}

/**
 * A source's pool narrowed to its schema on the embedded database: the schema
 * made if new, every statement through the pool then qualified with it. The
 * pool is destroyed (and the error thrown) when the schema cannot be made.
 */
export async function inSourceSchema(pool: Kysely<any>, connectorName: string): Promise<{ db: Kysely<any>; schema: string }> {
  const schema = embeddedSourceSchema(connectorName);
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(pool);
  } catch (error) {
    await pool.destroy();
    throw error;
  }
  return { db: pool.withPlugin(new SourceSchemaPlugin(schema)), schema };
}
