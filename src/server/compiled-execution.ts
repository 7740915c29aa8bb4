import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { type DocumentNode, execute, type ExecutionResult, getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/**
 * Executes operations with graphql-jit instead of graphql-js's interpreter:
 * an operation is compiled to a function once and run by it afterwards,
 * without working out each field's arguments, types and paths again for every
 * value. Handed to Apollo Server as its gateway (the interface through which
 * Apollo takes an executor); validation, plugins, errors and limits stay
 * Apollo's.
 *
 * Compiled queries are kept per parsed document — the object Apollo keeps in
 * its document cache and hands to the plugins — so the `operation` a resolver
 * sees is the very node the access plugin drains its audit reads by.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | 'interpret'>>();
  return {
    async load() {
      return {
        schema,
        async executor(request) {
          const operationName = request.operationName ?? '';
          let byName = compiled.get(request.document);
          if (byName === undefined) compiled.set(request.document, (byName = new Map()));
          let query = byName.get(operationName);
          if (query === undefined) {
            const made = compileQuery(request.schema, request.document, request.operationName ?? undefined);
            // A document Apollo validated that graphql-jit will not compile runs on graphql-js, as it would without this executor.
            query = isCompiledQuery(made) ? made : 'interpret';
            byName.set(operationName, query);
          }
          const variables = request.request.variables ?? {};
          // Variables are checked by graphql-js, as an interpreted operation's are: its errors name the variable and its place, are
          // the client's (BAD_USER_INPUT), and never carry the value into a log line as graphql-jit's own checks would.
          const checked = getVariableValues(request.schema, request.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
          if (checked.errors !== undefined) return { errors: checked.errors } as never;
          if (query === 'interpret') {
            return (await execute({ schema: request.schema, document: request.document, operationName: request.operationName, contextValue: request.context, variableValues: variables })) as never;
          }
          return ownErrors(await query.query(undefined, request.context, variables)) as never;
        },
      };
    },
    // Apollo learns the schema from this call (it never changes here): at once, as its own schema mode does.
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async stop() {},
  };
}

/**
 * graphql-jit builds its errors on its own class: without `extensions` when the
 * error thrown had none (Apollo then fails to format it), and under plain Node
 * on CommonJS graphql's class, which Apollo (on graphql's ES module) does not
 * recognise and would wrap, losing the path. Each becomes an error of this
 * graphql, with its path, locations and extensions, the error thrown beneath.
 */
function ownErrors(result: ExecutionResult): ExecutionResult {
  if (result.errors === undefined) return result;
  const errors = result.errors.map((error) => {
    // An error graphql-jit raised itself (a value its type cannot represent) has no error beneath: it stays a GraphQL error, as graphql-js's would be.
    const own = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
    Object.defineProperty(own, 'locations', { value: error.locations, enumerable: error.locations !== undefined });
    return own;
  });
  return { ...result, errors };
}
