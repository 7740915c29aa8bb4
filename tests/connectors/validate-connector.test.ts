import { describe, expect, it } from 'vitest';
import type { Connector, TableMapping } from '../../src/connectors/connector.js';
import { ConnectorValidationError } from '../../src/connectors/validate-connector.js';
import { buildSchema } from '../../src/graph/schema.js';
import { housing } from './housing/index.js';

/** The housing connector with one thing changed, as a newcomer might get it wrong. */
function broken(change: (tables: TableMapping[]) => TableMapping[], rest: Partial<Connector> = {}): Connector {
  return { ...housing, tables: change([...housing.tables]), ...rest };
}
const [subsidies, buildings] = [0, 1];

/** The problems buildSchema refuses a connector for, one line each. */
function problemsOf(connector: Connector): string[] {
  try {
    buildSchema([connector]);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorValidationError);
    return (error as ConnectorValidationError).problems.map((p) => `${p.connector} | ${p.table ?? ''} | ${p.field ?? ''} | ${p.problem}`);
  }
  return [];
}

describe('validating a connector when the schema is built', () => {
  it('accepts the sixth connector as written', () => {
    expect(problemsOf(housing)).toEqual([]);
  });

  it('names connector, table and field for each mistake, all at once', () => {
    const connector = broken((tables) => {
      tables[subsidies] = { ...tables[subsidies], facet: { ...tables[subsidies].facet, type: 'HousingBuilding' } };
      const fields = { ...tables[buildings].facet.fields, structure: { column: 'JGDM', codeTable: 'JGLX' }, storeys: { column: 'CS' } };
      tables[buildings] = { ...tables[buildings], facet: { ...tables[buildings].facet, fields } };
      return tables;
    });
    expect(problemsOf(connector)).toEqual([
      'housing | ZF_BZDX | housingSubsidy | Person.housingSubsidy is of type HousingSubsidyRecord, but the mapping\'s facet type is HousingBuilding',
      'housing | ZF_BZDX | recordId | HousingBuilding.recordId is not declared in the connector\'s SDL, and recordId is no shared field of a Person it could feed',
      'housing | ZF_BZDX | subsidyType | HousingBuilding.subsidyType is not declared in the connector\'s SDL, and subsidyType is no shared field of a Person it could feed',
      'housing | ZF_BZDX | monthlyAmount | HousingBuilding.monthlyAmount is not declared in the connector\'s SDL, and monthlyAmount is no shared field of a Person it could feed',
      'housing | ZF_BZDX | addressText | HousingBuilding.addressText is not declared in the connector\'s SDL, and addressText is no shared field of a Person it could feed',
      'housing | ZF_BZDX | id | HousingBuilding.id is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | key | HousingBuilding.key is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | kind | HousingBuilding.kind is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | address | HousingBuilding.address is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | records | HousingBuilding.records is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | building | HousingBuilding.building is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_BZDX | owner | HousingBuilding.owner is declared in the SDL but mapped to no column: it would always be null',
      'housing | ZF_LY | structure | code table JGLX is not among the connector\'s codeTables',
      'housing | ZF_LY | storeys | HousingBuildingRecord.storeys is not declared in the connector\'s SDL, and storeys is no shared field of an object it could feed',
    ]);
  });

  it('refuses an object table that names no type, or a type that is not a RegisteredObject', () => {
    const unnamed = broken((tables) => [tables[subsidies], { ...tables[buildings], objectType: undefined, links: [] }]);
    expect(problemsOf(unnamed)).toEqual([
      'housing | ZF_LY | objectType | an OBJECT table must name its type (objectType), declared in the SDL as `type X implements RegisteredObject & Node`',
    ]);
    const notAnObject = broken((tables) => [tables[subsidies], { ...tables[buildings], objectType: 'HousingSubsidyRecord', links: [] }]);
    expect(problemsOf(notAnObject)).toEqual([
      'housing | ZF_LY | objectType | objectType HousingSubsidyRecord must implement RegisteredObject (type HousingSubsidyRecord implements RegisteredObject & Node …)',
    ]);
  });

  it('refuses keys that would merge records wrongly: events and objects are keyed by the source\'s id, people by ID number', () => {
    const connector = broken((tables) => [
      { ...tables[subsidies], key: { column: 'BZBH', kind: 'SOURCE_ID' } },
      { ...tables[buildings], key: { column: 'CQRSFZH', kind: 'ID_NUMBER' }, links: [{ role: 'OWNER', to: 'PERSON', column: 'CQRSFZH', kind: 'CREDIT_CODE' }] },
    ]);
    expect(problemsOf(connector)).toEqual([
      'housing | ZF_BZDX | BZBH | key: a PERSON is keyed by ID_NUMBER, not SOURCE_ID',
      'housing | ZF_LY | CQRSFZH | key: an OBJECT is keyed by SOURCE_ID, not ID_NUMBER: its key becomes `<source>:<id>`, one source\'s own record that no other source\'s merges with',
      'housing | ZF_LY | CQRSFZH | link OWNER: a PERSON is found by its ID_NUMBER key, not CREDIT_CODE',
    ]);
  });

  it('refuses link roles the connector does not declare, and a link field of the wrong type', () => {
    const connector = broken(
      (tables) => [tables[subsidies], { ...tables[buildings], links: [{ role: 'LEGAL_REPRESENTATIVE', to: 'ORGANIZATION', column: 'CQRSFZH', kind: 'CREDIT_CODE', field: 'owner' }] }],
    );
    expect(problemsOf(connector)).toEqual([
      'housing | ZF_LY | CQRSFZH | the link role LEGAL_REPRESENTATIVE is not declared in the connector\'s linkRoles',
      'housing | ZF_LY | owner | link LEGAL_REPRESENTATIVE: HousingBuilding.owner must be a single Organization',
    ]);
  });

  it('refuses a facet field classified for another department', () => {
    const connector: Connector = { ...housing, typeDefs: housing.typeDefs.replace('monthlyAmount: String @classified(level: L3, department: "housing")', 'monthlyAmount: String @classified(level: L3, department: "police")') };
    expect(problemsOf(connector)).toEqual([
      'housing | ZF_BZDX | monthlyAmount | HousingSubsidyRecord.monthlyAmount is @classified for department "police": a connector\'s facet is its own department\'s',
    ]);
  });

  it('refuses a name that cannot prefix record keys, in a message naming the connector', () => {
    const connector: Connector = { ...housing, name: 'housing:2', typeDefs: housing.typeDefs.replaceAll('department: "housing"', 'department: "housing:2"') };
    expect(() => buildSchema([connector])).toThrow(
      'connectors that do not fit the graph (connectors/README.md, "Validation"):\n  - connector housing:2: the name must be lower-case words joined by "-" (it prefixes record keys as `<name>:` and names the role `dept-<name>`)',
    );
  });
});
