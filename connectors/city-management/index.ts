import fs from 'node:fs';
import type { Connector, FieldMapping } from '../../src/connectors/connector.js';
import { cityManagementDemo } from './demo.js';

const at = (column: string): FieldMapping => ({ column, format: 'yyyyMMddHHmmss' });

/** 城管: digital city-management cases, city components and enforcement cases, in the city-management system's schema. */
export const cityManagement: Connector = {
  name: 'city-management',
  department: '城管',
  urlVariable: 'GRIDGRAPH_SOURCE_CITY_MANAGEMENT_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'CG_AJXX',
      entity: 'EVENT',
      recordId: 'AJBH',
      key: { column: 'AJBH', kind: 'SOURCE_ID' },
      address: { column: 'AJDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyyMMddHHmmss',
      facet: {
        field: 'cityManagementCase',
        type: 'CityManagementCase',
        fields: {
          recordId: { column: 'AJBH' },
          category: { column: 'XLDM', codeTable: 'AJXL' },
          description: { column: 'WTMS' },
          reportedAt: at('SBSJ'),
          registeredAt: at('LASJ'),
          dispatchedAt: at('PQSJ'),
          handledAt: at('CZSJ'),
          verifiedAt: at('HCSJ'),
          closedAt: at('JASJ'),
        },
      },
    },
    {
      table: 'CG_BJXX',
      entity: 'OBJECT',
      objectType: 'CityComponent',
      recordId: 'BJBM',
      key: { column: 'BJBM', kind: 'SOURCE_ID' },
      address: { column: 'BJDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyyMMddHHmmss',
      facet: {
        field: 'component',
        type: 'CityComponentRecord',
        fields: {
          componentCode: { column: 'BJBM' },
          kind: { column: 'BJLX', codeTable: 'BJLX' },
          name: { column: 'BJLX', codeTable: 'BJLX' },
          status: { column: 'BJZT', codeTable: 'BJZT' },
          addressText: { column: 'BJDZ' },
        },
      },
    },
    {
      table: 'CG_ZFAJ',
      entity: 'EVENT',
      recordId: 'ZFBH',
      key: { column: 'ZFBH', kind: 'SOURCE_ID' },
      address: { column: 'AFDZ' },
      changedAt: 'GXSJ',
      changedAtFormat: 'yyyyMMddHHmmss',
      links: [{ role: 'PARTY', to: 'ORGANIZATION', column: 'DSRXYDM', kind: 'CREDIT_CODE' }],
      facet: {
        field: 'enforcementCase',
        type: 'EnforcementCase',
        fields: {
          recordId: { column: 'ZFBH' },
          category: { column: 'AY', codeTable: 'AY' },
          description: { column: 'AQMS' },
          partyName: { column: 'DSRMC' },
          registeredAt: at('LASJ'),
          closedAt: at('JASJ'),
        },
      },
    },
  ],
  linkRoles: { PARTY: '当事单位: the enterprise the case is against' },
  codeTables: {
    AJXL: { '0101': '暴露垃圾', '0102': '乱堆物料', '0201': '井盖破损', '0202': '路灯不亮', '0301': '占道经营', '0302': '非法小广告' },
    BJLX: { '0101': '上水井盖', '0102': '污水井盖', '0201': '路灯', '0301': '消火栓', '0401': '垃圾箱' },
    BJZT: { '1': '完好', '2': '破损', '3': '丢失' },
    AY: { '01': '占道经营', '02': '违规设置户外广告', '03': '违规倾倒垃圾' },
  },
  statistics: {
    // GB/T 30428-style handling limits of digital city management, in hours.
    timeLimitHours: { 暴露垃圾: 4, 乱堆物料: 24, 井盖破损: 2, 路灯不亮: 48, 占道经营: 2, 非法小广告: 24, 违规设置户外广告: 720, 违规倾倒垃圾: 720 },
  },
  demo: cityManagementDemo,
};
