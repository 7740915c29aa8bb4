import type { GraphContext } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { fromGlobalId } from '../global-id.js';
import { doorPlateOf } from '../parents.js';

/**
 * How `node(id:)` finds each type by its natural key, and names the type of
 * what it found. Every entity type adds itself here.
 */
const finders: Record<string, (key: string, context: GraphContext) => Promise<object | null>> = {
  Region: (code, { loaders }) => loaders.regionByCode.load(code),
  Grid: (code, { loaders }) => loaders.gridByCode.load(code),
  StandardAddress: (code, { loaders }) => loaders.addressByCode.load(code),
  Person: async (idNumber, { loaders }) => ((await loaders.recordsOfPerson.load(idNumber)).length > 0 ? { idNumber } : null),
  DoorPlate: async (code, { loaders }) => {
    const address = await loaders.addressByDoorPlate.load(code);
    return address && doorPlateOf(address);
  },
};

/** The type name travels with the object found, so `Node.__resolveType` need not guess from its shape. */
const NODE_TYPE = Symbol('nodeType');

async function findNode(id: string, context: GraphContext): Promise<object | null> {
  const { type, key } = fromGlobalId(id);
  const find = finders[type];
  if (find === undefined) return null;
  const found = await find(key, context);
  return found && Object.assign(Object.create(found), { [NODE_TYPE]: type });
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, context) => findNode(id, context) as never,
    nodes: (_, { ids }, context) => Promise.all(ids.map((id) => findNode(id, context))) as never,
  },
  Node: {
    __resolveType: (node) => (node as unknown as Record<symbol, string>)[NODE_TYPE] as never,
  },
};
