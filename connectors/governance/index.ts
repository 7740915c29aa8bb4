import fs from 'node:fs';
import type { Connector, FieldMapping } from '../../src/connectors/connector.js';
import { governanceDemo } from './demo.js';

const at = (column: string): FieldMapping => ({ column, format: 'yyyy-MM-dd HH:mm:ss' });

/** 综治: grid workers, grid events, disputes and their parties, special populations, in the governance platform's schema. */
export const governance: Connector = {
  name: 'governance',
  department: '综治',
  urlVariable: 'GRIDGRAPH_SOURCE_GOVERNANCE_URL',
  typeDefs: fs.readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'),
  tables: [
    {
      table: 'ZZ_WGY',
      entity: 'PERSON',
      recordId: 'WGYBH',
      key: { column: 'SFZH', kind: 'ID_NUMBER' },
      changedAt: 'GXSJ',
      servesGrid: { field: 'workers', column: 'WGBM' },
      facet: {
        field: 'gridWorker',
        type: 'GridWorkerRecord',
        fields: { recordId: { column: 'WGYBH' }, name: { column: 'XM' }, gridCode: { column: 'WGBM' }, servicePhone: { column: 'FWDH' } },
      },
    },
    {
      table: 'ZZ_SJ',
      entity: 'EVENT',
      recordId: 'SJBH',
      key: { column: 'SJBH', kind: 'SOURCE_ID' },
      address: { column: 'FSDZ' },
      changedAt: 'GXSJ',
      links: [{ role: 'REPORTED_BY', to: 'PERSON', column: 'SBRSFZH', kind: 'ID_NUMBER' }],
      facet: {
        field: 'gridEvent',
        type: 'GridEventRecord',
        fields: {
          recordId: { column: 'SJBH' },
          category: { column: 'SJLB', codeTable: 'SJLB' },
          description: { column: 'SJMS' },
          reportedAt: at('SBSJ'),
          registeredAt: at('SLSJ'),
          dispatchedAt: at('PQSJ'),
          handledAt: at('CZSJ'),
          verifiedAt: at('HCSJ'),
          closedAt: at('JASJ'),
        },
      },
    },
    {
      table: 'ZZ_MDJF',
      entity: 'EVENT',
      recordId: 'JFBH',
      key: { column: 'JFBH', kind: 'SOURCE_ID' },
      address: { column: 'FSDZ' },
      changedAt: 'GXSJ',
      facet: {
        field: 'dispute',
        type: 'DisputeRecord',
        fields: {
          recordId: { column: 'JFBH' },
          category: { column: 'JFLX', codeTable: 'JFLX' },
          description: { column: 'JFMS' },
          reportedAt: at('SBSJ'),
          registeredAt: at('SLSJ'),
          closedAt: at('JASJ'),
          outcome: { column: 'TJJG', codeTable: 'TJJG' },
        },
      },
    },
    {
      table: 'ZZ_TSRQ',
      entity: 'PERSON',
      countField: 'specialPopulationCount',
      recordId: 'TSRQBH',
      key: { column: 'SFZH', kind: 'ID_NUMBER' },
      changedAt: 'GXSJ',
      facet: {
        field: 'specialPopulation',
        type: 'SpecialPopulationRecord',
        fields: { recordId: { column: 'TSRQBH' }, category: { column: 'RQLB', codeTable: 'RQLB' }, listedAt: at('LGSJ') },
      },
    },
  ],
  linkTables: [
    {
      table: 'ZZ_JFDSR',
      recordId: 'DSRBH',
      changedAt: 'GXSJ',
      from: { entity: 'EVENT', column: 'JFBH', kind: 'SOURCE_ID' },
      to: { entity: 'PERSON', column: 'SFZH', kind: 'ID_NUMBER' },
      role: { column: 'DSRLX', codeTable: 'DSRLX' },
    },
  ],
  linkRoles: { REPORTED_BY: '上报人: the person who reported the grid event', APPLICANT: '申请人: the party asking for mediation', RESPONDENT: '被申请人: the other party of the dispute' },
  codeTables: {
    SJLB: { '01': '环境卫生', '02': '治安隐患', '03': '安全生产', '04': '民生服务', '05': '矛盾纠纷' },
    JFLX: { '01': '邻里纠纷', '02': '婚姻家庭纠纷', '03': '物业纠纷', '04': '劳动争议' },
    TJJG: { '1': '调解成功', '2': '调解不成，引导诉讼', '3': '调解中' },
    RQLB: { '1': '社区矫正对象', '2': '刑满释放人员', '3': '吸毒人员', '4': '严重精神障碍患者' },
    DSRLX: { '1': 'APPLICANT', '2': 'RESPONDENT' },
  },
  statistics: {
    rateKinds: { ZZ_MDJF: 'DISPUTE' },
    // The platform's handling limits: safety hazards within a day, disputes within a fortnight.
    timeLimitHours: {
      环境卫生: 72, 治安隐患: 24, 安全生产: 24, 民生服务: 120, 矛盾纠纷: 168,
      邻里纠纷: 336, 婚姻家庭纠纷: 336, 物业纠纷: 336, 劳动争议: 720,
    },
  },
  demo: governanceDemo,
};
