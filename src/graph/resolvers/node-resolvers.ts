import type { GraphContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { doorPlateOf } from '../parents.js';

type Finder = (key: string, context: GraphContext) => Promise<object | null>;

/** How `node(id:)` finds each place type by its natural key. */
const placeFinders: Record<string, Finder> = {
  Region: (code, { loaders }) => loaders.regionByCode.load(code),
  Grid: (code, { loaders }) => loaders.gridByCode.load(code),
  StandardAddress: (code, { loaders }) => loaders.addressByCode.load(code),
  DoorPlate: async (code, { loaders }) => {
    const address = await loaders.addressByDoorPlate.load(code);
    return address && doorPlateOf(address);
  },
};

/** The type name travels with the object found, so `Node.__resolveType` (and access) need not guess from its shape. */
const NODE_TYPE = Symbol('nodeType');

/** The type a `node(id:)` value was found as. */
export function nodeTypeOf(node: object): string | undefined {
  return (node as Record<symbol, string | undefined>)[NODE_TYPE];
}

/** Looks up a global id among the given finders: null for an id this hub did not make, of another type than `expected`, or finding nothing. */
export type NodeFinder = (id: unknown, context: GraphContext, expected?: string) => Promise<object | null>;

/**
 * How `node(id:)` finds what an id names, over the place types and the given
 * entity finders (Person, Organization, Event, each object type); the id names
 * the type, the finder looks the key up, and the type travels with what it
 * found. Federation's `_entities` looks its representations up the same way.
 */
export function nodeFinder(entityFinders: Record<string, Finder>): NodeFinder {
  const finders = { ...placeFinders, ...entityFinders };
  return async (id, context, expected) => {
    // An id this hub did not make (made up, altered, or a cursor) finds nothing, as a missing entity does.
    const { type, key } = (typeof id === 'string' ? context.ids.parseId(id) : undefined) ?? {};
    const find = type === undefined || (expected !== undefined && type !== expected) ? undefined : finders[type];
    if (find === undefined) return null;
    const found = await find(key!, context);
    return found && Object.assign(Object.create(found), { [NODE_TYPE]: type });
  };
}

/** `node(id:)` and `nodes(ids:)` over the given entity finders (see nodeFinder). */
export function nodeResolversFor(entityFinders: Record<string, Finder>): Resolvers {
  const findNode = nodeFinder(entityFinders);
  return {
    Query: {
      node: (_, { id }, context) => findNode(id, context) as never,
      nodes: (_, { ids }, context) => Promise.all(ids.map((id) => findNode(id, context))) as never,
    },
    Node: {
      __resolveType: (node) => nodeTypeOf(node) as never,
    },
  };
}
