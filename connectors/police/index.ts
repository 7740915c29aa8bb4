import fs from 'node:fs';
import type { Connector } from '../../src/connectors/connector.js';
import { policeDemo } from './demo.js';

/**
 * 公安: the population register (人口信息), rental housing (出租房屋), key persons
 * (重点人员) and incidents (警情), in the police's native upper-case pinyin schema.
 */
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
    {
      table: 'T_FW_CZFW',
      entity: 'OBJECT',
      objectType: 'RentalHousing',
      recordId: 'FWBH',
      key: { column: 'FWBH', kind: 'SOURCE_ID' },
      address: { column: 'FWDZ' },
      changedAt: 'GXSJ',
      links: [{ role: 'LANDLORD', to: 'PERSON', column: 'FZSFZH', kind: 'ID_NUMBER', field: 'landlord' }],
      facet: {
        field: 'rental',
        type: 'RentalHousingRecord',
        fields: {
          recordId: { column: 'FWBH' },
          addressText: { column: 'FWDZ' },
          landlordName: { column: 'FZXM' },
          use: { column: 'CZYT', codeTable: 'CZYT' },
          kind: { column: 'CZYT', codeTable: 'CZYT' },
          tenants: { column: 'ZLRS' },
        },
      },
    },
    {
      table: 'T_ZDRY',
      entity: 'PERSON',
      countField: 'keyPersonCount',
      recordId: 'ZDRYBH',
      key: { column: 'GMSFHM', kind: 'ID_NUMBER' },
      changedAt: 'GXSJ',
      facet: {
        field: 'keyPerson',
        type: 'KeyPersonRecord',
        fields: { recordId: { column: 'ZDRYBH' }, category: { column: 'ZDRYLB', codeTable: 'ZDRYLB' }, listedAt: { column: 'LGSJ', format: 'yyyy-MM-dd HH:mm:ss' } },
      },
    },
    {
      table: 'T_JQ_JQXX',
      entity: 'EVENT',
      recordId: 'JQBH',
      key: { column: 'JQBH', kind: 'SOURCE_ID' },
      address: { column: 'FADZ' },
      changedAt: 'GXSJ',
      links: [{ role: 'REPORTER', to: 'PERSON', column: 'BJRSFZH', kind: 'ID_NUMBER' }],
      facet: {
        field: 'policeIncident',
        type: 'PoliceIncident',
        fields: {
          recordId: { column: 'JQBH' },
          category: { column: 'JQLB', codeTable: 'JQLB' },
          description: { column: 'JQNR' },
          reportedAt: { column: 'BJSJ', format: 'yyyy-MM-dd HH:mm:ss' },
          dispatchedAt: { column: 'CJSJ', format: 'yyyy-MM-dd HH:mm:ss' },
          handledAt: { column: 'DDSJ', format: 'yyyy-MM-dd HH:mm:ss' },
          closedAt: { column: 'JASJ', format: 'yyyy-MM-dd HH:mm:ss' },
        },
      },
    },
  ],
  linkRoles: { LANDLORD: '房东: the person letting the rental home', REPORTER: '报警人: the person who reported the incident' },
  codeTables: {
    XB: { '1': 'MALE', '2': 'FEMALE' },
    MZ: { '01': '汉族', '02': '蒙古族', '03': '回族', '05': '维吾尔族', '06': '苗族', '08': '壮族', '10': '朝鲜族', '11': '满族' },
    RKLX: { '1': 'HOUSEHOLD', '2': 'FLOATING', '3': 'FOREIGN' },
    CZYT: { '1': '居住', '2': '经营' },
    ZDRYLB: { '01': '涉稳重点人员', '02': '涉毒重点人员', '03': '在逃人员' },
    JQLB: { '01': '纠纷', '02': '盗窃', '03': '噪音扰民', '04': '家庭纠纷', '05': '求助' },
  },
  statistics: { rateKinds: { T_JQ_JQXX: 'INCIDENT' } },
  demo: policeDemo,
};

export default police;
