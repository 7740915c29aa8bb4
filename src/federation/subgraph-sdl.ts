import {
  buildASTSchema,
  concatAST,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  getNamedType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  Kind,
  type NamedTypeNode,
  type ObjectTypeDefinitionNode,
  parse,
  print,
  visit,
} from 'graphql';
import type { Connector } from '../connectors/connector.js';
import { connectorTypeDefs, sharedTypeDefs } from '../graph/schema.js';

/** The subgraph serving the shared graph: places, registry, resolution, the crosswalk's entities and links, quality, audit. */
export const HUB_SUBGRAPH = 'hub';

/** The Federation 2 spec the subgraphs link to, and what they import from it. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])';

/** gridgraph's own type-system directives (schema/classification.graphql): access reads them; no other process needs them. */
const LOCAL_DIRECTIVES = new Set(['classified', 'inArea', 'public', 'filters', 'valueOfField']);
/** The enums only those directives use. */
const LOCAL_ENUMS = new Set(['Classification', 'Mask', 'Domain']);

/** One part of the graph as a Federation 2 subgraph. */
export interface SubgraphDefinition {
  /** `hub` or a connector's name. */
  readonly name: string;
  /** The SDL this process executes: the part's types with gridgraph's access directives, and the federation `@link`. */
  readonly document: DocumentNode;
  /** What `_service { sdl }` answers and composition reads: the same without gridgraph's own directives. */
  readonly sdl: string;
  /** The entity types this subgraph resolves by key (`_entities`). */
  readonly entityTypes: readonly string[];
}

/**
 * Splits the graph into subgraphs: `hub` owns every field of schema/, and each
 * connector the fields its SDL declares — except, on an object type it
 * declares, the fields of an interface the shared graph declares
 * (`RegisteredObject.kind`): those come from the crosswalk, which the hub
 * answers for every implementation. A type whose fields two subgraphs own must
 * be an entity (`@key(fields: "id")`); every subgraph also declares the types
 * its fields reach: other entities as key-only stubs, value types in full
 * (`@shareable`).
 */
export function subgraphDefinitions(connectors: readonly Connector[]): SubgraphDefinition[] {
  const shared = sharedTypeDefs().map((sdl) => parse(sdl));
  const own = new Map(connectors.map((c) => [c.name, connectorTypeDefs(c).map((sdl) => parse(sdl))]));
  const full = buildASTSchema(concatAST([...shared, ...[...own.values()].flat()]));
  const owners = fieldOwners(full, own);
  const names = [HUB_SUBGRAPH, ...connectors.map((c) => c.name)];
  // gridgraph's `@key` is not among them: the subgraphs import federation's, and each type's key is rewritten as that.
  const localDefinitions = shared.flatMap((doc) => doc.definitions).filter(isLocalDefinition);
  return names.map((name) => subgraphOf(name, full, owners, localDefinitions));
}

/** `Type.field` → the subgraph owning it (absent: the hub). */
function fieldOwners(full: GraphQLSchema, own: ReadonlyMap<string, DocumentNode[]>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [name, documents] of own) {
    for (const definition of documents.flatMap((doc) => doc.definitions)) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const type = full.getType(definition.name.value);
      const interfaceFields = new Set(
        definition.kind === Kind.OBJECT_TYPE_DEFINITION && isObjectType(type) ? type.getInterfaces().flatMap((i) => Object.keys(i.getFields())) : [],
      );
      for (const field of definition.fields ?? []) {
        if (!interfaceFields.has(field.name.value)) owners.set(`${definition.name.value}.${field.name.value}`, name);
      }
    }
  }
  return owners;
}

function isLocalDefinition(definition: DefinitionNode): boolean {
  return (
    (definition.kind === Kind.DIRECTIVE_DEFINITION && LOCAL_DIRECTIVES.has(definition.name.value)) ||
    (definition.kind === Kind.ENUM_TYPE_DEFINITION && LOCAL_ENUMS.has(definition.name.value))
  );
}

function subgraphOf(name: string, full: GraphQLSchema, owners: ReadonlyMap<string, string>, localDefinitions: readonly DefinitionNode[]): SubgraphDefinition {
  const ownerOf = (type: string, field: string) => owners.get(`${type}.${field}`) ?? HUB_SUBGRAPH;
  const ownedFields = new Map<string, GraphQLField<unknown, unknown>[]>();
  for (const type of Object.values(full.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = Object.values(type.getFields());
    const homes = new Set(fields.map((f) => ownerOf(type.name, f.name)));
    if (homes.size > 1 && keyOf(type) === undefined && !isRootType(full, type)) {
      throw new Error(`${type.name} has fields in the subgraphs ${[...homes].join(', ')} but no @key: only an entity can be split`);
    }
    const mine = fields.filter((f) => ownerOf(type.name, f.name) === name);
    if (mine.length > 0) ownedFields.set(type.name, mine);
  }
  const definitions: DefinitionNode[] = [];
  const emitted = new Set<string>();
  const pending: string[] = [];
  const reach = (field: GraphQLField<unknown, unknown>) => {
    pending.push(getNamedType(field.type).name, ...field.args.map((arg) => getNamedType(arg.type).name));
  };
  const entityTypes: string[] = [];
  for (const [typeName, fields] of ownedFields) {
    const type = full.getType(typeName)!;
    if (!isObjectType(type)) continue;
    emitted.add(typeName);
    fields.forEach(reach);
    const key = keyOf(type);
    if (key !== undefined) {
      entityTypes.push(typeName);
      const keyField = type.getFields()[key];
      const withKey = fields.some((f) => f.name === key) ? fields : [keyField, ...fields];
      // The hub declares the interfaces an entity implements (it owns their fields); a connector adds fields only.
      const definition = objectDefinition(type, withKey, [federationKey(key, true)], name === HUB_SUBGRAPH);
      definitions.push(hasPublicField(type) ? withPublicField(definition, key) : definition);
    } else if (isRootType(full, type)) {
      definitions.push(objectDefinition(type, fields, [], true));
    } else {
      definitions.push(objectDefinition(type, fields, [shareable()], true));
    }
  }
  while (pending.length > 0) {
    const typeName = pending.pop()!;
    if (emitted.has(typeName)) continue;
    emitted.add(typeName);
    const type = full.getType(typeName)!;
    if (isScalarType(type) && isSpecifiedScalarType(type)) continue;
    if (isObjectType(type)) {
      const key = keyOf(type);
      if (key !== undefined) {
        definitions.push(objectDefinition(type, [type.getFields()[key]], [federationKey(key, false)], false));
        continue;
      }
      Object.values(type.getFields()).forEach(reach);
      definitions.push(objectDefinition(type, Object.values(type.getFields()), [shareable()], true));
      continue;
    }
    if (isInterfaceType(type)) {
      Object.values(type.getFields()).forEach(reach);
      pending.push(...full.getPossibleTypes(type).map((t) => t.name));
    }
    if (isUnionType(type)) pending.push(...type.getTypes().map((t) => t.name));
    if (isInputObjectType(type)) pending.push(...Object.values(type.getFields()).map((f) => getNamedType(f.type).name));
    definitions.push(...wholeDefinition(type));
  }
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...parse(FEDERATION_LINK).definitions, ...localDefinitions, ...definitions] };
  return { name, document, sdl: print(publicDocument(document)), entityTypes };
}

/** Whether the anonymous door-plate view sees any field of the type (`@public`). */
function hasPublicField(type: GraphQLNamedType & { getFields(): Record<string, GraphQLField<unknown, unknown>> }): boolean {
  return Object.values(type.getFields()).some((f) => f.astNode?.directives?.some((d: ConstDirectiveNode) => d.name.value === 'public'));
}

/**
 * The key made `@public` on a type the door-plate view sees: the gateway asks
 * for it to fetch the type's fields from another subgraph (a grid's workers),
 * and a caller without a token may ask for `@public` fields only. The key is
 * opaque: it names no natural key.
 */
function withPublicField(definition: ObjectTypeDefinitionNode, field: string): ObjectTypeDefinitionNode {
  const isPublic = (node: FieldDefinitionNode) => node.directives?.some((d) => d.name.value === 'public') ?? false;
  const publicDirective: ConstDirectiveNode = { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'public' }, arguments: [] };
  return {
    ...definition,
    fields: definition.fields!.map((node) => (node.name.value !== field || isPublic(node) ? node : { ...node, directives: [...(node.directives ?? []), publicDirective] })),
  };
}

/** The one key field of an entity type (`@key(fields: "id")`), or undefined for a value type. */
function keyOf(type: GraphQLNamedType): string | undefined {
  const nodes = [type.astNode, ...(type.extensionASTNodes ?? [])];
  const key = nodes.flatMap((node) => node?.directives ?? []).find((d) => d.name.value === 'key');
  const fields = key?.arguments?.find((a) => a.name.value === 'fields')?.value;
  if (fields === undefined) return undefined;
  // The opaque global id, never a natural key (docs/design.md §2.4): `_entities` looks its representations up as `node(id:)`.
  if (fields.kind !== Kind.STRING || fields.value !== 'id') throw new Error(`${type.name}: an entity is keyed by its opaque id, @key(fields: "id")`);
  return fields.value;
}

function isRootType(schema: GraphQLSchema, type: GraphQLNamedType): boolean {
  return type === schema.getQueryType() || type === schema.getSubscriptionType() || type === schema.getMutationType();
}

/** An object type with the given fields, its own type-level directives (gridgraph's `@key` replaced by `extra`), and its interfaces when `withInterfaces`. */
function objectDefinition(
  type: GraphQLNamedType & { getInterfaces(): readonly GraphQLNamedType[] },
  fields: readonly GraphQLField<unknown, unknown>[],
  extra: readonly ConstDirectiveNode[],
  withInterfaces: boolean,
): ObjectTypeDefinitionNode {
  const typeDirectives = [type.astNode, ...(type.extensionASTNodes ?? [])].flatMap((node) => node?.directives ?? []).filter((d) => d.name.value !== 'key');
  return {
    kind: Kind.OBJECT_TYPE_DEFINITION,
    description: type.astNode?.description,
    name: { kind: Kind.NAME, value: type.name },
    interfaces: withInterfaces ? type.getInterfaces().map((i): NamedTypeNode => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: i.name } })) : [],
    directives: [...extra, ...typeDirectives],
    fields: fields.map((f) => f.astNode as FieldDefinitionNode),
  };
}

/** An enum, scalar, input, interface or union as the graph declares it, its extensions folded in. */
function wholeDefinition(type: GraphQLNamedType): DefinitionNode[] {
  if (type.astNode === undefined || type.astNode === null) return [];
  const extensions = type.extensionASTNodes ?? [];
  if (extensions.length === 0) return [type.astNode];
  const merged: Record<string, unknown> = { ...type.astNode };
  for (const list of ['fields', 'values', 'types', 'directives', 'interfaces'] as const) {
    if (list in type.astNode) merged[list] = [type.astNode, ...extensions].flatMap((node) => ((node as unknown as Record<string, readonly unknown[]>)[list] ?? []));
  }
  return [merged as unknown as DefinitionNode];
}

function federationKey(field: string, resolvable: boolean): ConstDirectiveNode {
  const directive = parse(`type T @key(fields: "${field}"${resolvable ? '' : ', resolvable: false'}) { a: Int }`).definitions[0] as ObjectTypeDefinitionNode;
  return directive.directives![0];
}

function shareable(): ConstDirectiveNode {
  return { kind: Kind.DIRECTIVE, name: { kind: Kind.NAME, value: 'shareable' }, arguments: [] };
}

/** The document without gridgraph's own directives and their definitions: the subgraph's SDL as other processes see it. */
function publicDocument(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive: (node) => (LOCAL_DIRECTIVES.has(node.name.value) ? null : undefined),
    DirectiveDefinition: (node) => (LOCAL_DIRECTIVES.has(node.name.value) ? null : undefined),
    EnumTypeDefinition: (node) => (LOCAL_ENUMS.has(node.name.value) ? null : undefined),
  });
}
