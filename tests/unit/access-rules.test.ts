import { makeExecutableSchema } from '@graphql-tools/schema';
import fs from 'node:fs';
import { type GraphQLObjectType, isIntrospectionType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { readFieldRules } from '../../src/access/classification.js';
import { enforceAccess } from '../../src/access/enforce.js';
import { maskAddressText, maskDate, maskIdNumber, maskName, maskPhone } from '../../src/access/masks.js';
import { viewerFromClaims } from '../../src/access/viewer.js';
import { buildSchema } from '../../src/graph/schema.js';

const ACCESS_SDL = fs.readFileSync(new URL('../../schema/classification.graphql', import.meta.url), 'utf8');
const COMMON = `type Query { x: Int @classified(level: L1) } scalar IdNumber type PageInfo @classified(level: L1) { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }`;

describe('classification', () => {
  it('covers every field of every object type of the served schema', () => {
    const schema = buildSchema(connectors);
    const rules = readFieldRules(schema);
    const fields = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !isIntrospectionType(type))
      .flatMap((type) => Object.keys((type as GraphQLObjectType).getFields()).map((field) => `${type.name}.${field}`));
    expect(fields.length).toBeGreaterThan(300);
    for (const field of fields) expect(rules.has(field), field).toBe(true);
    expect(rules.get('Person.idNumber')).toMatchObject({ level: 'L3', mask: 'ID_NUMBER', identity: true });
    expect(rules.get('KeyPersonRecord.category')).toMatchObject({ level: 'L4', department: 'police' });
    expect(rules.get('GridWorkerRecord.name')).toMatchObject({ level: 'L2', department: 'governance', public: { mask: 'NAME' } });
  });

  it('refuses to serve a field without a classification, naming it', () => {
    const schema = makeExecutableSchema({ typeDefs: [ACCESS_SDL, COMMON, 'type Secret { plain: String } extend type Query { secret: Secret @classified(level: L4) }'] });
    expect(() => enforceAccess(schema, { departments: [], subjectOf: () => undefined, locatedTypes: new Set() })).toThrow('fields without @classified (on the field or its type): Secret.plain');
  });

  it('refuses a department no connector is', () => {
    const schema = makeExecutableSchema({ typeDefs: [ACCESS_SDL, COMMON, 'extend type Query { y: Int @classified(level: L3, department: "tax") }'] });
    expect(() => enforceAccess(schema, { departments: ['police'], subjectOf: () => undefined, locatedTypes: new Set() })).toThrow('Query.y (tax)');
  });

  it('refuses an @inArea type the graph cannot locate: every row-scoped value must say where it lies', () => {
    const schema = makeExecutableSchema({ typeDefs: [ACCESS_SDL, COMMON, 'type Home @inArea @classified(level: L2) { n: Int } extend type Query { home: Home @classified(level: L2) }'] });
    expect(() => enforceAccess(schema, { departments: [], subjectOf: () => undefined, locatedTypes: new Set() })).toThrow('@inArea types the graph cannot locate (no subject): Home');
  });
});

describe('masks keep the type and DESIGN §5 shapes', () => {
  it('masks ID numbers, phones, names, dates and address texts', () => {
    expect(maskIdNumber('320102198501011234')).toBe('320102********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskName('张明')).toBe('张*');
    expect(maskName('张小明')).toBe('张*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskDate('1985-01-01')).toBe('1985-**-**');
    expect(maskAddressText('江苏省南京市玄武区长江路292号3栋2单元501室')).toBe('江苏省南京市玄武区长江路292号3栋');
    expect(maskAddressText('玄武区长江路292号')).toBe('玄武区长江路292号');
    expect(maskAddressText('长江路292-3-2-501')).toBe('长江路');
  });
});

describe('viewers from token claims', () => {
  it('takes each role its area from its own claim only (a a grid worker gets nothing from district_code)', () => {
    const viewer = viewerFromClaims(
      { sub: 'u1', realm_access: { roles: ['grid-worker', 'street-staff', 'offline_access'] }, grid_codes: ['G1', 'G2'], street_code: ['320102001'], district_code: ['320102'] },
      '  case 7  ',
    );
    expect(viewer.roles).toEqual(['grid-worker', 'street-staff']);
    expect(viewer.scope).toEqual({ grids: ['G1', 'G2'], communities: [], streets: ['320102001'], districts: [], everywhere: false });
    expect(viewer.purpose).toBe('case 7');
    expect(viewerFromClaims({ sub: 'u2', realm_access: { roles: ['auditor'] } }).scope).toMatchObject({ grids: [], communities: [], streets: [], districts: [] });
  });
});
