import fs from 'node:fs';
import type { Connector } from '../../src/connectors/connector.js';
import { policeDemo } from './demo.js';

/** 公安: the police population register (人口信息), in its native upper-case pinyin schema. */
export const police: Connector = {
  name: 'police',
  department: '公安',
  urlVariable: 'GRIDGRAPH_SOURCE_POLICE_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'T_RK_RKXX',
      entity: 'PERSON',
      recordId: 'RYBH',
      key: { column: 'GMSFHM', kind: 'ID_NUMBER' },
      address: { column: 'JZDZ' },
      changedAt: 'GXSJ',
      deletedWhen: { column: 'ZXBZ', equals: '1' },
      facet: {
        field: 'policeRegistration',
        type: 'PoliceRegistration',
        fields: {
          recordId: { column: 'RYBH' },
          name: { column: 'XM' },
          gender: { column: 'XBDM', codeTable: 'XB' },
          birthDate: { column: 'CSRQ', format: 'yyyyMMdd' },
          ethnicity: { column: 'MZDM', codeTable: 'MZ' },
          phone: { column: 'LXDH' },
          householdAddress: { column: 'HJDZ' },
          residenceText: { column: 'JZDZ' },
          populationType: { column: 'RKLXDM', codeTable: 'RKLX' },
          registeredAt: { column: 'DJSJ', format: 'yyyy-MM-dd HH:mm:ss' },
          updatedAt: { column: 'GXSJ', format: 'yyyy-MM-dd HH:mm:ss' },
        },
      },
    },
  ],
  codeTables: {
    XB: { '1': 'MALE', '2': 'FEMALE' },
    MZ: { '01': '汉族', '02': '蒙古族', '03': '回族', '05': '维吾尔族', '06': '苗族', '08': '壮族', '10': '朝鲜族', '11': '满族' },
    RKLX: { '1': 'HOUSEHOLD', '2': 'FLOATING', '3': 'FOREIGN' },
  },
  demo: policeDemo,
};

export default police;
