import type { ApolloServerPlugin } from '@apollo/server';
import { type ArgumentNode, type DocumentNode, Kind, type ValueNode, visit } from 'graphql';
import { badUserInput } from '../errors/gridgraph-error.js';
import { requestError } from '../errors/request-error.js';
import { unstorableText } from '../graph/storable-text.js';

/**
 * Every string a request brings — the document, the operation name, each
 * variable and each argument written in the document — is checked once,
 * before execution: one that no field could accept (see unstorableText) is
 * BAD_USER_INPUT naming the variable or argument, and never reaches a
 * resolver, a source or the audit log (where PostgreSQL would reject it as an
 * internal error).
 */
export function textInputPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, request, document, operation }) {
          const declared = operation?.variableDefinitions?.map((d) => d.variable.name.value) ?? [];
          const problem = findUnstorableInput(source, request.operationName, declared, request.variables, document);
          if (problem !== undefined) throw requestError(badUserInput(problem.message, problem.details), 400);
        },
      };
    },
  };
}

interface InputProblem {
  message: string;
  details: Record<string, unknown>;
}

function findUnstorableInput(
  source: string | undefined,
  operationName: string | undefined,
  declared: readonly string[],
  variables: Record<string, unknown> | undefined,
  document: DocumentNode,
): InputProblem | undefined {
  // Only the variables the operation declares: graphql-js ignores any others.
  for (const name of declared) {
    const problem = firstUnstorable(variables?.[name]);
    if (problem !== undefined) return { message: `variable $${name} ${problem}`, details: { variable: name } };
  }
  let inArgument: InputProblem | undefined;
  visit(document, {
    Argument(node: ArgumentNode) {
      const problem = firstUnstorableLiteral(node.value);
      if (problem === undefined) return undefined;
      inArgument = { message: `argument ${node.name.value} ${problem}`, details: { argument: node.name.value } };
      return false;
    },
  });
  if (inArgument !== undefined) return inArgument;
  const inName = typeof operationName === 'string' ? unstorableText(operationName) : undefined;
  if (inName !== undefined) return { message: `the operation name ${inName}`, details: {} };
  // What is left are comments: harmless to run, but the document goes to the audit log as it came.
  const inSource = source === undefined ? undefined : unstorableText(source);
  if (inSource !== undefined) return { message: `the document ${inSource}`, details: {} };
  return undefined;
}

/** The first problem in a JSON value's strings, keys included; walked without recursion, for a variable may nest as deep as the body allows. */
function firstUnstorable(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      const problem = unstorableText(next);
      if (problem !== undefined) return problem;
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item);
    } else if (typeof next === 'object' && next !== null) {
      for (const [key, item] of Object.entries(next)) {
        pending.push(key, item);
      }
    }
  }
  return undefined;
}

function firstUnstorableLiteral(value: ValueNode): string | undefined {
  switch (value.kind) {
    case Kind.STRING:
      return unstorableText(value.value);
    case Kind.LIST:
      for (const item of value.values) {
        const problem = firstUnstorableLiteral(item);
        if (problem !== undefined) return problem;
      }
      return undefined;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const problem = firstUnstorableLiteral(field.value);
        if (problem !== undefined) return problem;
      }
      return undefined;
    default:
      return undefined;
  }
}
