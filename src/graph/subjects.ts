import type { Subject, SubjectOf } from '../access/subject.js';
import { type Connector, ENTITY_TYPE_NAMES } from '../connectors/connector.js';
import type { StandardAddressRow } from '../db/hub-schema.js';
import { nodeTypeOf } from './resolvers/node-resolvers.js';
import { CARRIED_SUBJECT, type DoorPlateParent, type EntityRef, type RoleOf } from './parents.js';

type Locate = (value: never) => Subject | undefined;

const ofEntity = (entity: EntityRef): Subject => ({ entity, owner: entity.owner, inArea: entity.inArea });
/**
 * A value carrying its subject (a facet, a source's value, a report's entity)
 * is reached only through what was already shown in the caller's area — its
 * entity, or a list whose statement applied the area — so it is in it.
 */
const carried = (value: { [CARRIED_SUBJECT]?: Subject }): Subject | undefined => {
  const subject = value[CARRIED_SUBJECT];
  return subject === undefined ? undefined : { ...subject, inArea: true };
};

/**
 * How access locates a value of each type the graph serves, from the object
 * that type resolves from (parents.ts): the one answer to "where does this
 * lie, what does it describe, who owns it". Built once with the schema.
 */
export function graphSubjects(connectors: readonly Connector[]): { subjectOf: SubjectOf; locatedTypes: ReadonlySet<string> } {
  const locate = new Map<string, Locate>([
    ['StandardAddress', (address: StandardAddressRow) => ({ address })],
    ['DoorPlate', (plate: DoorPlateParent) => ({ address: plate.address })],
    ['PersonRole', (role: RoleOf) => ({ ...ofEntity(role.entity), owner: role.source })],
    ['OrganizationRole', (role: RoleOf) => ({ ...ofEntity(role.entity), owner: role.source })],
    ['EventParty', (role: RoleOf) => ({ ...ofEntity(role.entity), owner: role.source })],
    ['SourceValue', carried],
    ['FieldConflictExample', carried],
    ['RegisteredObject', ofEntity],
    ...Object.values(ENTITY_TYPE_NAMES).map((type) => [type, ofEntity] as const),
  ]);
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      const entityType = mapping.entity === 'OBJECT' ? mapping.objectType! : ENTITY_TYPE_NAMES[mapping.entity];
      locate.set(entityType, ofEntity);
      // A facet type (also what a table serving grids returns: `Grid.workers`).
      locate.set(mapping.facet.type, carried);
    }
  }
  const subjectOf: SubjectOf = (typeName, value) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (locate.get(typeName) as ((value: object) => Subject | undefined) | undefined)?.(value);
  };
  // A node is located as the type it was found as.
  locate.set('Node', (node: object) => subjectOf(nodeTypeOf(node) ?? '', node));
  // Values carrying their subject are in the area by construction (see `carried`): no type of theirs needs the area check.
  const locatedTypes = new Set([...locate].filter(([, how]) => how !== carried).map(([type]) => type));
  return { subjectOf, locatedTypes };
}
