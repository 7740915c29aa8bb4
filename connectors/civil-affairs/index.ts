import fs from 'node:fs';
import type { Connector } from '../../src/connectors/connector.js';
import { civilAffairsDemo } from './demo.js';

/** 民政: assistance (低保、特困) members, elderly residents and social organizations, in civil affairs' native schema. */
export const civilAffairs: Connector = {
  name: 'civil-affairs',
  department: '民政',
  urlVariable: 'GRIDGRAPH_SOURCE_CIVIL_AFFAIRS_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'MZ_DBCY',
      entity: 'PERSON',
      recordId: 'CYBH',
      key: { column: 'SFZH', kind: 'ID_NUMBER' },
      address: { column: 'JTDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyy/MM/dd HH:mm',
      deletedWhen: { column: 'ZT', equals: '0' },
      facet: {
        field: 'welfare',
        type: 'WelfareRecord',
        many: true,
        fields: {
          recordId: { column: 'CYBH' },
          householdNumber: { column: 'JTBH' },
          name: { column: 'XM' },
          phone: { column: 'LXDH' },
          relationToHead: { column: 'YHZGX', codeTable: 'YHZGX' },
          assistanceType: { column: 'BZLX', codeTable: 'BZLX' },
          monthlyAmount: { column: 'BZJE' },
          addressText: { column: 'JTDZ' },
          updatedAt: { column: 'GXSJ' },
        },
      },
    },
    {
      table: 'MZ_LNR',
      entity: 'PERSON',
      recordId: 'LNRBH',
      key: { column: 'SFZH', kind: 'ID_NUMBER' },
      address: { column: 'JZDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyy/MM/dd HH:mm',
      facet: {
        field: 'elderlyCare',
        type: 'ElderlyCareRecord',
        fields: {
          recordId: { column: 'LNRBH' },
          name: { column: 'XM' },
          livingAlone: { column: 'DJBZ', codeTable: 'BOOL' },
          ageAllowance: { column: 'GLBT', codeTable: 'BOOL' },
          updatedAt: { column: 'GXSJ' },
        },
      },
    },
    {
      table: 'MZ_SHZZ',
      entity: 'ORGANIZATION',
      recordId: 'DJZH',
      key: { column: 'TYSHXYDM', kind: 'CREDIT_CODE' },
      address: { column: 'ZS' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyy/MM/dd HH:mm',
      links: [{ role: 'LEGAL_REPRESENTATIVE', to: 'PERSON', column: 'FDDBRSFZH', kind: 'ID_NUMBER', field: 'legalRepresentative' }],
      facet: {
        field: 'socialOrganization',
        type: 'SocialOrganizationRegistration',
        fields: {
          registrationNumber: { column: 'DJZH' },
          name: { column: 'ZZMC' },
          kind: { column: 'ZZLX', codeTable: 'ZZLX' },
          legalRepresentativeName: { column: 'FDDBR' },
          registeredOn: { column: 'DJRQ', format: 'yyyyMMdd' },
        },
      },
    },
  ],
  linkRoles: { LEGAL_REPRESENTATIVE: '法定代表人: the social organization\'s legal representative' },
  codeTables: {
    YHZGX: { '01': '户主', '02': '配偶', '03': '子女', '04': '父母', '99': '其他' },
    BZLX: { '1': '低保', '2': '特困' },
    BOOL: { '1': '是', '0': '否' },
    ZZLX: { '1': '社会团体', '2': '民办非企业单位', '3': '基金会' },
  },
  demo: civilAffairsDemo,
};
