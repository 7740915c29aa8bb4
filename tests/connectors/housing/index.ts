import fs from 'node:fs';
import type { Connector } from '../../../src/connectors/connector.js';
import { housingDemo } from './demo.js';

/**
 * 住建: a sixth department, added the way connectors/README.md says, in the
 * test folder only: its housing-security recipients and the housing register's
 * buildings, in its own native schema.
 */
export const housing: Connector = {
  name: 'housing',
  department: '住建',
  urlVariable: 'GRIDGRAPH_SOURCE_HOUSING_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'ZF_BZDX',
      entity: 'PERSON',
      recordId: 'BZBH',
      key: { column: 'SFZH', kind: 'ID_NUMBER' },
      address: { column: 'JZDZ' },
      changedAt: 'GXSJ',
      facet: {
        field: 'housingSubsidy',
        type: 'HousingSubsidyRecord',
        fields: {
          recordId: { column: 'BZBH' },
          name: { column: 'XM' },
          phone: { column: 'LXDH' },
          subsidyType: { column: 'BZLX', codeTable: 'BZLX' },
          monthlyAmount: { column: 'BTJE' },
          addressText: { column: 'JZDZ' },
        },
      },
    },
    {
      table: 'ZF_LY',
      entity: 'OBJECT',
      objectType: 'HousingBuilding',
      recordId: 'LYBH',
      key: { column: 'LYBH', kind: 'SOURCE_ID' },
      address: { column: 'LYDZ' },
      changedAt: 'GXSJ',
      links: [{ role: 'OWNER', to: 'PERSON', column: 'CQRSFZH', kind: 'ID_NUMBER', field: 'owner' }],
      facet: {
        field: 'building',
        type: 'HousingBuildingRecord',
        fields: { recordId: { column: 'LYBH' }, structure: { column: 'JGDM', codeTable: 'JG' }, kind: { column: 'JGDM', codeTable: 'JG' }, builtIn: { column: 'JCNF' } },
      },
    },
  ],
  linkRoles: { OWNER: '产权人: the building\'s registered owner' },
  codeTables: {
    BZLX: { '1': '公租房', '2': '租赁补贴' },
    JG: { '1': '砖混', '2': '钢混' },
  },
  demo: housingDemo,
};
