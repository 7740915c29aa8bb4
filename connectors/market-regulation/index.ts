import fs from 'node:fs';
import type { Connector } from '../../src/connectors/connector.js';
import { marketRegulationDemo } from './demo.js';

/** 市场监管: market entities (企业、个体工商户), food licences and inspections, in the regulator's native schema. */
export const marketRegulation: Connector = {
  name: 'market-regulation',
  department: '市场监管',
  urlVariable: 'GRIDGRAPH_SOURCE_MARKET_REGULATION_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'E_QYJBXX',
      entity: 'ORGANIZATION',
      recordId: 'PRIPID',
      key: { column: 'UNISCID', kind: 'CREDIT_CODE' },
      address: { column: 'OPLOC' },
      changedAt: 'LASTUPDTIME',
      changedAtFormat: 'yyyyMMddHHmmss',
      links: [{ role: 'LEGAL_REPRESENTATIVE', to: 'PERSON', column: 'CERNO', kind: 'ID_NUMBER', field: 'legalRepresentative' }],
      facet: {
        field: 'marketRegistration',
        type: 'MarketRegistration',
        fields: {
          recordId: { column: 'PRIPID' },
          name: { column: 'ENTNAME' },
          kind: { column: 'ENTTYPE', codeTable: 'ENTTYPE' },
          status: { column: 'REGSTATE', codeTable: 'REGSTATE' },
          legalRepresentativeName: { column: 'LEREP' },
          registeredAddress: { column: 'DOM' },
          businessAddress: { column: 'OPLOC' },
          establishedOn: { column: 'ESTDATE', format: 'yyyyMMdd' },
          updatedAt: { column: 'LASTUPDTIME', format: 'yyyyMMddHHmmss' },
        },
      },
    },
    {
      table: 'SP_SPJYXKZ',
      entity: 'ORGANIZATION',
      recordId: 'XKZBH',
      key: { column: 'UNISCID', kind: 'CREDIT_CODE' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyyMMddHHmmss',
      facet: {
        field: 'foodLicences',
        type: 'FoodLicence',
        many: true,
        fields: {
          licenceNumber: { column: 'XKZBH' },
          items: { column: 'JYXM' },
          issuedOn: { column: 'FZRQ', format: 'yyyyMMdd' },
          validUntil: { column: 'YXQZ', format: 'yyyyMMdd' },
        },
      },
    },
    {
      table: 'JC_JCJL',
      entity: 'EVENT',
      recordId: 'JCBH',
      key: { column: 'JCBH', kind: 'SOURCE_ID' },
      address: { column: 'JCDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyyMMddHHmmss',
      links: [{ role: 'INSPECTED', to: 'ORGANIZATION', column: 'UNISCID', kind: 'CREDIT_CODE' }],
      facet: {
        field: 'marketInspection',
        type: 'MarketInspection',
        fields: {
          recordId: { column: 'JCBH' },
          category: { column: 'JCLX', codeTable: 'JCLX' },
          description: { column: 'JCJG', codeTable: 'JCJG' },
          reportedAt: { column: 'JCSJ', format: 'yyyyMMddHHmmss' },
          closedAt: { column: 'JASJ', format: 'yyyyMMddHHmmss' },
        },
      },
    },
  ],
  linkRoles: { LEGAL_REPRESENTATIVE: '法定代表人 / 经营者: the enterprise\'s legal representative', INSPECTED: '被检查单位: the enterprise inspected' },
  codeTables: {
    ENTTYPE: { '1110': '有限责任公司', '1120': '股份有限公司', '9600': '个体工商户' },
    REGSTATE: { '1': '存续', '2': '吊销', '3': '注销' },
    JCLX: { '01': '食品安全检查', '02': '价格检查', '03': '特种设备检查' },
    JCJG: { '1': '合格', '2': '不合格，责令整改', '3': '立案调查' },
  },
  demo: marketRegulationDemo,
};
