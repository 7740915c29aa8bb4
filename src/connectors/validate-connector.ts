import { getDirective } from '@graphql-tools/utils';
import {
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isListType,
  isObjectType,
} from 'graphql';
import { type Connector, ENTITY_TYPE_NAMES, type EntityKind, type KeyKind, type LinkMapping, type TableMapping } from './connector.js';
import { EVENT_STAGES, SHARED_FIELDS } from './shared-fields.js';

const STAGES = new Set<string>(EVENT_STAGES);

/**
 * The key each kind of entity is joined on. An event or an object is one
 * source's own record — keyed `<source>:<id>`, so no two sources' records
 * merge, and owned by that source; people and organizations are joined across
 * sources by their national numbers.
 */
export const KEY_KIND_OF: Readonly<Record<EntityKind, KeyKind>> = {
  PERSON: 'ID_NUMBER',
  ORGANIZATION: 'CREDIT_CODE',
  EVENT: 'SOURCE_ID',
  OBJECT: 'SOURCE_ID',
};

/** Stamped by the engine on every facet (the time the record was read): mapped to no column. */
const ENGINE_STAMPED_FIELDS = new Set(['readAt']);

/** A role the engine states itself: a link-table row whose role code is not in its code table. */
const ENGINE_LINK_ROLES = new Set(['UNKNOWN']);

/** A connector's name: its crosswalk key, the prefix of its records' keys (`police:…`) and its role (`dept-police`). */
const CONNECTOR_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const URL_VARIABLE = /^[A-Z][A-Z0-9_]*$/;

/** One way a connector does not fit the graph, said where it is. */
export interface ConnectorProblem {
  readonly connector: string;
  readonly table?: string;
  readonly field?: string;
  readonly problem: string;
}

/** Thrown when the schema is built with connectors that do not fit it: every problem, each naming connector, table and field. */
export class ConnectorValidationError extends Error {
  constructor(readonly problems: readonly ConnectorProblem[]) {
    super(`connectors that do not fit the graph (connectors/README.md, "Validation"):\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`);
    this.name = 'ConnectorValidationError';
  }
}

export function describeProblem({ connector, table, field, problem }: ConnectorProblem): string {
  return `connector ${connector}${table === undefined ? '' : `, table ${table}`}${field === undefined ? '' : `, field ${field}`}: ${problem}`;
}

/**
 * Checks every connector against the schema its SDL and the shared SDL make
 * (built without resolvers), before the server is built on them: throws a
 * ConnectorValidationError listing all problems found.
 */
export function validateConnectors(connectors: readonly Connector[], schema: GraphQLSchema): void {
  const problems = connectors.flatMap((connector) => connectorProblems(connector, schema));
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.name)) problems.push({ connector: connector.name, problem: 'another connector has the same name' });
    seen.add(connector.name);
  }
  problems.push(...linkFieldConflicts(connectors));
  if (problems.length > 0) throw new ConnectorValidationError(problems);
}

/** The problems of one connector; none when it fits. */
export function connectorProblems(connector: Connector, schema: GraphQLSchema): ConnectorProblem[] {
  const problems: ConnectorProblem[] = [];
  const report = (problem: string, table?: string, field?: string) => problems.push({ connector: connector.name, table, field, problem });
  if (!CONNECTOR_NAME.test(connector.name)) {
    report('the name must be lower-case words joined by "-" (it prefixes record keys as `<name>:` and names the role `dept-<name>`)');
  }
  if (!URL_VARIABLE.test(connector.urlVariable)) report(`urlVariable ${connector.urlVariable} is not an environment variable name`);
  const tables = new Set<string>();
  for (const mapping of [...connector.tables, ...(connector.linkTables ?? [])]) {
    if (tables.has(mapping.table)) report('the table is mapped twice', mapping.table);
    tables.add(mapping.table);
  }
  for (const mapping of connector.tables) tableProblems(connector, mapping, schema, (problem, field) => report(problem, mapping.table, field));
  for (const mapping of connector.linkTables ?? []) {
    const at = (problem: string, field?: string) => report(problem, mapping.table, field);
    for (const [end, side] of [['from', mapping.from], ['to', mapping.to]] as const) {
      if (side.kind !== KEY_KIND_OF[side.entity]) at(`${end}: ${a(side.entity)} is found by its ${KEY_KIND_OF[side.entity]} key, not ${side.kind}`, side.column);
    }
    if ('value' in mapping.role) checkLinkRole(connector, mapping.role.value, (problem) => at(problem, 'role'));
    else if (mapping.role.codeTable !== undefined) {
      const codes = connector.codeTables[mapping.role.codeTable];
      if (codes === undefined) at(`role: code table ${mapping.role.codeTable} is not among the connector's codeTables`, mapping.role.column);
      else for (const role of Object.values(codes)) checkLinkRole(connector, role, (problem) => at(problem, 'column' in mapping.role ? mapping.role.column : 'role'));
    }
  }
  for (const role of Object.keys(connector.linkRoles ?? {})) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(role)) report(`linkRoles: ${role} is not an upper-case role name`, undefined, role);
  }
  return problems;
}

function tableProblems(connector: Connector, mapping: TableMapping, schema: GraphQLSchema, report: (problem: string, field?: string) => void): void {
  const expectedKey = KEY_KIND_OF[mapping.entity];
  if (mapping.key.kind !== expectedKey) {
    const why = expectedKey === 'SOURCE_ID' ? ': its key becomes `<source>:<id>`, one source\'s own record that no other source\'s merges with' : '';
    report(`key: ${a(mapping.entity)} is keyed by ${expectedKey}, not ${mapping.key.kind}${why}`, mapping.key.column);
  }
  const entityType = entityTypeOf(mapping, schema, report);
  const facetType = schema.getType(mapping.facet.type);
  if (facetType === undefined) {
    report(`facet type ${mapping.facet.type} is not declared in the connector's SDL`, mapping.facet.field);
  } else if (!isObjectType(facetType)) {
    report(`facet type ${mapping.facet.type} must be an object type`, mapping.facet.field);
  }
  if (entityType !== undefined) {
    const field = entityType.getFields()[mapping.facet.field];
    if (field === undefined) report(`${entityType.name}.${mapping.facet.field} is not declared (extend type ${entityType.name} { ${mapping.facet.field}: … } in the SDL)`, mapping.facet.field);
    else {
      const many = mapping.facet.many ?? false;
      if (getNamedType(field.type).name !== mapping.facet.type) {
        report(`${entityType.name}.${mapping.facet.field} is of type ${getNamedType(field.type).name}, but the mapping's facet type is ${mapping.facet.type}`, mapping.facet.field);
      } else if (isListType(getNullableType(field.type)) !== many) {
        report(`${entityType.name}.${mapping.facet.field} ${many ? 'must be a list (the facet is many: true)' : 'is a list, but the facet is not many: true'}`, mapping.facet.field);
      }
    }
    // A facet field named like a shared field feeds it: the entity's type must have it (stage times feed `Event.timeline`).
    for (const name of Object.keys(mapping.facet.fields)) {
      if (feedsSharedField(mapping, name) && !STAGES.has(name) && entityType.getFields()[name] === undefined) {
        report(`feeds the shared field ${entityType.name}.${name}, which the type does not declare`, name);
      }
    }
  }
  if (facetType !== undefined && isObjectType(facetType)) {
    const declared = facetType.getFields();
    for (const [name, field] of Object.entries(mapping.facet.fields)) {
      // A value only feeding a shared field (a rental's `kind`) need not be shown in the facet too.
      if (declared[name] === undefined && !feedsSharedField(mapping, name)) {
        report(`${facetType.name}.${name} is not declared in the connector's SDL, and ${name} is no shared field of ${mapping.entity === 'OBJECT' ? 'an object' : `a ${ENTITY_TYPE_NAMES[mapping.entity]}`} it could feed`, name);
      }
      if (field.codeTable !== undefined && connector.codeTables[field.codeTable] === undefined) {
        report(`code table ${field.codeTable} is not among the connector's codeTables`, name);
      }
    }
    for (const name of Object.keys(declared)) {
      if (mapping.facet.fields[name] === undefined && !ENGINE_STAMPED_FIELDS.has(name)) {
        report(`${facetType.name}.${name} is declared in the SDL but mapped to no column: it would always be null`, name);
      }
    }
    for (const field of Object.values(declared)) {
      const department = classifiedDepartment(schema, facetType, field);
      if (department !== undefined && department !== connector.name) {
        report(`${facetType.name}.${field.name} is @classified for department "${department}": a connector's facet is its own department's`, field.name);
      }
    }
  }
  for (const link of mapping.links ?? []) linkProblems(connector, link, entityType, report);
  if (mapping.servesGrid !== undefined) {
    const field = (schema.getType('Grid') as GraphQLObjectType | undefined)?.getFields()[mapping.servesGrid.field];
    if (field === undefined) report(`servesGrid: Grid.${mapping.servesGrid.field} is not declared (extend type Grid in the SDL)`, mapping.servesGrid.field);
    else if (getNamedType(field.type).name !== mapping.facet.type || !isListType(getNullableType(field.type))) {
      report(`servesGrid: Grid.${mapping.servesGrid.field} must be a list of ${mapping.facet.type}`, mapping.servesGrid.field);
    }
  }
  if (mapping.countField !== undefined) {
    const field = (schema.getType('Region') as GraphQLObjectType | undefined)?.getFields()[mapping.countField];
    if (field === undefined) report(`countField: Region.${mapping.countField} is not declared (extend type Region in the SDL)`, mapping.countField);
    else if (getNamedType(field.type).name !== 'Int') report(`countField: Region.${mapping.countField} must be an Int`, mapping.countField);
  }
}

/** `a PERSON`, `an EVENT`. */
function a(kind: EntityKind): string {
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function feedsSharedField(mapping: TableMapping, name: string): boolean {
  return SHARED_FIELDS[mapping.entity].includes(name);
}

/** The GraphQL type of the table's entities: the shared type, or for an OBJECT table the type it names. */
function entityTypeOf(mapping: TableMapping, schema: GraphQLSchema, report: (problem: string, field?: string) => void): GraphQLObjectType | undefined {
  if (mapping.entity !== 'OBJECT') {
    if (mapping.objectType !== undefined) report(`objectType is for OBJECT tables; ${a(mapping.entity)} is a ${ENTITY_TYPE_NAMES[mapping.entity]}`, 'objectType');
    return schema.getType(ENTITY_TYPE_NAMES[mapping.entity]) as GraphQLObjectType;
  }
  if (mapping.objectType === undefined) {
    report('an OBJECT table must name its type (objectType), declared in the SDL as `type X implements RegisteredObject & Node`', 'objectType');
    return undefined;
  }
  const type = schema.getType(mapping.objectType);
  if (type === undefined || !isObjectType(type)) {
    report(`objectType ${mapping.objectType} is not an object type declared in the connector's SDL`, 'objectType');
    return undefined;
  }
  if (!type.getInterfaces().some((i) => i.name === 'RegisteredObject')) {
    report(`objectType ${mapping.objectType} must implement RegisteredObject (type ${mapping.objectType} implements RegisteredObject & Node …)`, 'objectType');
    return undefined;
  }
  return type;
}

function linkProblems(connector: Connector, link: LinkMapping, entityType: GraphQLObjectType | undefined, report: (problem: string, field?: string) => void): void {
  if (link.kind !== KEY_KIND_OF[link.to]) report(`link ${link.role}: ${a(link.to)} is found by its ${KEY_KIND_OF[link.to]} key, not ${link.kind}`, link.column);
  checkLinkRole(connector, link.role, (problem) => report(problem, link.column));
  if (link.field === undefined || entityType === undefined) return;
  const field = entityType.getFields()[link.field];
  if (field === undefined) {
    report(`link ${link.role}: ${entityType.name}.${link.field} is not declared in the SDL`, link.field);
    return;
  }
  const target = getNamedType(field.type);
  const fits = link.to === 'OBJECT' ? target.name === 'RegisteredObject' || (isObjectType(target) && target.getInterfaces().some((i) => i.name === 'RegisteredObject')) : target.name === ENTITY_TYPE_NAMES[link.to];
  if (!fits || isListType(getNullableType(field.type))) report(`link ${link.role}: ${entityType.name}.${link.field} must be a single ${link.to === 'OBJECT' ? 'RegisteredObject' : ENTITY_TYPE_NAMES[link.to]}`, link.field);
}

function checkLinkRole(connector: Connector, role: string, report: (problem: string) => void): void {
  if (ENGINE_LINK_ROLES.has(role) || Object.hasOwn(connector.linkRoles ?? {}, role)) return;
  report(`the link role ${role} is not declared in the connector's linkRoles`);
}

/** A field resolves one link role: two connectors filling the same field (`Organization.legalRepresentative`) must mean the same role by it. */
function linkFieldConflicts(connectors: readonly Connector[]): ConnectorProblem[] {
  const roleOfField = new Map<string, { connector: string; role: string }>();
  const problems: ConnectorProblem[] = [];
  for (const connector of connectors) {
    for (const mapping of connector.tables) {
      const type = mapping.entity === 'OBJECT' ? mapping.objectType : ENTITY_TYPE_NAMES[mapping.entity];
      for (const link of mapping.links ?? []) {
        if (link.field === undefined) continue;
        const coordinate = `${type}.${link.field}`;
        const earlier = roleOfField.get(coordinate);
        if (earlier === undefined) roleOfField.set(coordinate, { connector: connector.name, role: link.role });
        else if (earlier.role !== link.role) {
          problems.push({ connector: connector.name, table: mapping.table, field: link.field, problem: `${coordinate} is the ${earlier.role} link for ${earlier.connector} but ${link.role} here: one field, one role` });
        }
      }
    }
  }
  return problems;
}

/** The department a field's classification names, on the field or its type. */
function classifiedDepartment(schema: GraphQLSchema, type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string | undefined {
  const own = getDirective(schema, field, 'classified')?.[0] as { department?: string } | undefined;
  const ofType = getDirective(schema, type, 'classified')?.[0] as { department?: string } | undefined;
  return own?.department ?? ofType?.department;
}
