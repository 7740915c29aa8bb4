import type { ApolloServerPlugin } from '@apollo/server';
import {
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
} from 'graphql';
import { requestError } from '../errors/request-error.js';
import { limitExceeded } from './operation-limits.js';

type Variables = Readonly<Record<string, unknown>> | undefined;

/**
 * The estimated number of fields an operation resolves. Each field selected
 * counts 1. Inside a field that takes `first` (a connection), the lists it
 * holds (`nodes`, `edges`) count `first` times over; `nodes(ids:)` counts once
 * per id; other lists (a person's records, an event's timeline) are bounded by
 * the data, not by the caller, and count once. So page sizes multiply through
 * nesting: 100 residents, each with 5 events, are 500 events.
 *
 * GraphQL Armor's cost rule is not used: it weighs fields by static costs and
 * depth and cannot see `first`, nor the variables `first` usually comes from.
 */
export function estimateCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, variables: Variables): number {
  const root = schema.getRootType(operation.operation);
  if (root === undefined || root === null) return 0;
  const defaults = new Map(operation.variableDefinitions?.map((d) => [d.variable.name.value, d.defaultValue]) ?? []);
  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (variables !== undefined && variables[name] !== undefined) return variables[name];
      const fallback = defaults.get(name);
      return fallback === undefined ? undefined : valueOf(fallback);
    }
    if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values;
    return undefined;
  };
  /** How many items a field's list arguments ask for: `first`, or the length of `ids` (a subgraph's `_entities`: of `representations`). */
  const requested = (field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: ValueNode }[], name: 'first' | 'ids' | 'representations'): number | undefined => {
    const definition = field.args.find((a) => a.name === name);
    if (definition === undefined) return undefined;
    const given = args.find((a) => a.name.value === name);
    const value = given === undefined ? definition.defaultValue : valueOf(given.value);
    if (name !== 'first') return Array.isArray(value) ? value.length : undefined;
    return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : undefined;
  };

  // The cost of a selection set is linear in how often it repeats, so a fragment's cost is computed once per type and page size.
  const fragmentCosts = new Map<string, number>();
  const costOf = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, page: number | undefined): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition === undefined ? type : schema.getType(selection.typeCondition.name.value);
        if (isCompositeType(condition)) cost += costOf(selection.selectionSet, condition, page);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment === undefined || !isCompositeType(condition)) continue;
        const key = `${fragment.name.value}|${page}`;
        if (!fragmentCosts.has(key)) fragmentCosts.set(key, costOf(fragment.selectionSet, condition, page));
        cost += fragmentCosts.get(key)!;
        continue;
      }
      cost += 1;
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
      if (field === undefined || selection.selectionSet === undefined) continue;
      const fieldType = getNamedType(field.type);
      if (!isCompositeType(fieldType)) continue;
      const args = selection.arguments ?? [];
      const repeats = isListType(getNullableType(field.type)) ? (page ?? requested(field, args, 'ids') ?? requested(field, args, 'representations') ?? 1) : 1;
      cost += repeats * costOf(selection.selectionSet, fieldType, requested(field, args, 'first'));
    }
    return cost;
  };
  return costOf(operation.selectionSet, root, undefined);
}

/** Refuses, before execution, an operation whose estimated cost is over `maximum` (400, BAD_USER_INPUT, limit `cost`). */
export function costLimitPlugin(maximum: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, operation, document, request }) {
          if (operation === undefined) return;
          const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
          const cost = estimateCost(schema, operation, fragments, request.variables);
          if (cost > maximum) {
            const message = `Cost limit of ${maximum} exceeded, estimated ${Math.round(cost)}: each field counts 1, times the page sizes (first) of the lists it is in.`;
            throw requestError(limitExceeded('cost', maximum, message), 400);
          }
        },
      };
    },
  };
}
