import express, { type Router } from 'express';
import { sendPage } from './html.js';

/** The data steward's pages (docs/design.md §10): quality figures, the record-level worklist, conflicts, and a resolver to try. */
export const STEWARD_PAGE_PATH = '/steward';

/**
 * `GET /steward`: one page, served by the hub, that loads nothing else. It
 * holds no data itself: its script asks /graphql with the token the steward
 * pasted (kept in the tab's sessionStorage, gone when the tab closes), so
 * every figure, record and masked value is exactly what the graph's access
 * rules give that token — a token without the data-steward role sees the
 * graph's refusal, not a second copy of the rules. On the embedded
 * development realm (`devTokens`) a button fetches a data-steward token for
 * the first district from GraphiQL's token picker.
 */
export function stewardPages(options: { graphqlPath: string; devTokenPath?: string }): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    sendPage(res, 200, { title: 'gridgraph · 数据质量', body: BODY(options.devTokenPath !== undefined), script: script(options.graphqlPath, options.devTokenPath), wide: true });
  });
  return router;
}

const BODY = (devTokens: boolean) => `<h1>数据质量 · data quality</h1>
<section id="login">
<form id="login-form">
<p><label for="token">数据管理员令牌 · data-steward bearer token</label></p>
<p><textarea id="token" rows="3" style="width:100%" autocomplete="off" spellcheck="false" placeholder="eyJ…"></textarea></p>
<p><button type="submit">登录 · sign in</button>${devTokens ? ' <button type="button" id="dev-login">开发令牌 · development token</button>' : ''}
<span id="login-status" class="error" role="status"></span></p>
<p class="muted">令牌只保存在本标签页（sessionStorage），关闭即清除。The token stays in this tab's session storage only.</p>
</form>
</section>
<div id="app" hidden>
<nav><a href="#quality">质量 quality</a><a href="#sync">同步 sync</a><a href="#conflicts">冲突 conflicts</a><a href="#resolve">地址解析 resolve</a><a href="#" id="logout">退出 sign out</a></nav>
<p id="app-status" class="error" role="status"></p>
<section id="quality"><h2>各源表质量 · per source table</h2><div id="quality-table"></div></section>
<section id="worklist" hidden><h2 id="worklist-title"></h2><div id="worklist-table"></div><p><button type="button" id="worklist-more">下一页 · next page</button> <span id="worklist-count" class="muted"></span></p></section>
<section id="sync"><h2>同步状态 · sync status</h2><div id="sync-table"></div></section>
<section id="conflicts"><h2>源间冲突 · conflicts between sources</h2><div id="conflicts-table"></div></section>
<section id="resolve"><h2>试解析地址 · try resolveAddress</h2>
<form id="resolve-form"><input id="resolve-text" style="width:70%" placeholder="南京市玄武区长江路6号1栋2单元301室"> <button type="submit">解析 · resolve</button></form>
<div id="resolve-result"></div></section>
</div>`;

const QUALITY_QUERY = `query StewardQuality { dataQuality {
  tables { source table records deleted keysInvalid keyProblems { problem count } addressesMatched addressesPartial addressesAmbiguous addressesUnmatched
    withoutAddress badChangeValues invalidDates { field count } invalidRecordIds duplicateRecordIds }
  conflicts { entity field count examples { key values { source value } } } }
  syncStatus { source table failuresSinceSuccess lagSeconds sourceError lastRun { mode outcome finishedAt rowsRead error } lastSuccess { finishedAt } } }`;

const WORKLIST_QUERY = `query StewardWorklist($source: String!, $table: String!, $kind: QualityIssueKind!, $after: String) {
  qualityRecords(source: $source, table: $table, kind: $kind, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { kind recordId position changeValue reason rows field rawValue addressText addressStatus } } }`;

const RESOLVE_QUERY = `query StewardResolve($text: String!) { resolveAddress(text: $text) {
  text status confidence reason address { code level fullText }
  candidates { code fullText }
  parsed { province city district street community road roadNumber compounds building unit floor room leftover } } }`;

/** The page's script: plain DOM, every value placed with textContent (never as HTML). */
function script(graphqlPath: string, devTokenPath: string | undefined): string {
  return `
'use strict';
const GRAPHQL = ${JSON.stringify(graphqlPath)};
const DEV_TOKEN = ${JSON.stringify(devTokenPath ?? null)};
const KEY = 'gridgraph.steward.token';
const $ = (id) => document.getElementById(id);
/** Which quality count opens which worklist. */
const COUNTS = [
  ['records', '记录 records', null], ['keysInvalid', '无效键 invalid keys', 'INVALID_KEY'],
  ['addressesMatched', '匹配 matched', null], ['addressesPartial', '部分 partial', 'ADDRESS_PARTIAL'],
  ['addressesAmbiguous', '歧义 ambiguous', 'ADDRESS_AMBIGUOUS'], ['addressesUnmatched', '未匹配 unmatched', 'ADDRESS_UNMATCHED'],
  ['withoutAddress', '无地址 no address', null], ['badChangeValues', '变更值错 bad change value', 'BAD_CHANGE_VALUE'],
  ['invalidDates', '日期错 invalid dates', 'INVALID_DATE'], ['invalidRecordIds', '无记录号 no record id', 'INVALID_RECORD_ID'],
  ['duplicateRecordIds', '记录号重复 duplicate ids', 'DUPLICATE_RECORD_ID'],
];
function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}
function table(headers, rows) {
  const t = el('table');
  const head = t.createTHead().insertRow();
  for (const h of headers) head.appendChild(el('th', h));
  const body = t.createTBody();
  for (const cells of rows) {
    const row = body.insertRow();
    for (const cell of cells) { const td = row.insertCell(); if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === null || cell === undefined ? '–' : String(cell); }
  }
  return t;
}
async function ask(query, variables) {
  const response = await fetch(GRAPHQL, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem(KEY) }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (response.status === 401) { signOut(body.errors && body.errors[0] ? body.errors[0].message : 'unauthenticated'); throw new Error('unauthenticated'); }
  if (body.errors && body.errors.length > 0) $('app-status').textContent = body.errors.map((e) => e.message).join('; ');
  return body.data;
}
function signOut(reason) {
  sessionStorage.removeItem(KEY);
  $('app').hidden = true; $('login').hidden = false;
  $('login-status').textContent = reason || '';
}
async function signIn(token) {
  sessionStorage.setItem(KEY, token.trim());
  $('login').hidden = true; $('app').hidden = false; $('app-status').textContent = '';
  const data = await ask(${JSON.stringify(QUALITY_QUERY)});
  if (data && data.dataQuality) showQuality(data.dataQuality); else $('quality-table').replaceChildren(el('p', '此令牌无权查看数据质量 · this token may not see data quality', { class: 'error' }));
  if (data && data.syncStatus) showSync(data.syncStatus);
}
function showQuality(quality) {
  if (quality.tables.length === 0) { $('quality-table').replaceChildren(el('p', '此令牌看不到任何源表 · no source table is visible to this token', { class: 'error' })); $('conflicts-table').replaceChildren(); return; }
  $('quality-table').replaceChildren(table(['源 source', '表 table', ...COUNTS.map((c) => c[1])], quality.tables.map((t) => [t.source, t.table, ...COUNTS.map(([field, label, kind]) => {
    const value = Array.isArray(t[field]) ? t[field].reduce((sum, f) => sum + f.count, 0) : t[field];
    if (!kind || !value) return value;
    const link = el('a', value, { href: '#worklist', 'data-kind': kind });
    link.addEventListener('click', () => openWorklist(t.source, t.table, kind, label));
    return link;
  })])));
  $('conflicts-table').replaceChildren(quality.conflicts.length === 0 ? el('p', '无冲突 · none', { class: 'muted' }) : table(['实体 entity', '字段 field', '数量 count', '示例 examples'], quality.conflicts.map((c) => [c.entity, c.field, c.count,
    c.examples.map((e) => (e.key || '–') + ': ' + e.values.map((v) => (v.source || '?') + '=' + (v.value === null ? '–' : v.value)).join(' ≠ ')).join('\\n')])));
}
function showSync(tables) {
  $('sync-table').replaceChildren(table(['源 source', '表 table', '上次 last run', '结果 outcome', '读 rows', '上次成功 last success', '连续失败 failures', '滞后秒 lag s', '错误 error'],
    tables.map((t) => [t.source, t.table, t.lastRun && t.lastRun.finishedAt, t.lastRun && t.lastRun.outcome, t.lastRun && t.lastRun.rowsRead, t.lastSuccess && t.lastSuccess.finishedAt, t.failuresSinceSuccess, t.lagSeconds, (t.lastRun && t.lastRun.error) || t.sourceError])));
}
let worklist = null;
async function openWorklist(source, tableName, kind, label) {
  worklist = { source, table: tableName, kind, after: null, shown: 0 };
  $('worklist').hidden = false;
  $('worklist-title').textContent = '待处理记录 · worklist: ' + source + ' / ' + tableName + ' / ' + label;
  $('worklist-table').replaceChildren();
  await moreWorklist();
}
async function moreWorklist() {
  const data = await ask(${JSON.stringify(WORKLIST_QUERY)}, { source: worklist.source, table: worklist.table, kind: worklist.kind, after: worklist.after });
  const page = data && data.qualityRecords;
  if (!page) return;
  worklist.after = page.pageInfo.endCursor; worklist.shown += page.nodes.length;
  $('worklist-table').replaceChildren(...$('worklist-table').childNodes, table(['记录号 record id', '原因 reason', '地址文本 address text', '解析 status', '字段 field', '原值 raw value', '行数 rows', '变更值 change value'],
    page.nodes.map((n) => [n.recordId === null ? '#' + n.position : n.recordId, n.reason, n.addressText, n.addressStatus, n.field, n.rawValue, n.rows, n.changeValue])));
  $('worklist-more').hidden = !page.pageInfo.hasNextPage;
  $('worklist-count').textContent = worklist.shown + ' / ' + page.totalCount;
}
async function resolve(text) {
  const data = await ask(${JSON.stringify(RESOLVE_QUERY)}, { text });
  const r = data && data.resolveAddress;
  if (!r) return;
  const parsed = Object.entries(r.parsed).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [k, Array.isArray(v) ? v.join('、') : v]);
  $('resolve-result').replaceChildren(
    table(['结果 status', '置信度 confidence', '地址 address', '原因 reason'], [[r.status, r.confidence.toFixed(2), r.address ? r.address.fullText + ' (' + r.address.code + ', ' + r.address.level + ')' : null, r.reason]]),
    el('h3', '读到的 · what was read'), table(['部分 part', '值 value'], parsed),
    ...(r.candidates.length > 0 ? [el('h3', '候选 · candidates'), table(['code', 'address'], r.candidates.map((c) => [c.code, c.fullText]))] : []));
}
$('login-form').addEventListener('submit', (event) => { event.preventDefault(); if ($('token').value.trim()) signIn($('token').value).catch(() => {}); });
$('logout').addEventListener('click', (event) => { event.preventDefault(); signOut(''); });
$('worklist-more').addEventListener('click', () => moreWorklist());
$('resolve-form').addEventListener('submit', (event) => { event.preventDefault(); if ($('resolve-text').value.trim()) resolve($('resolve-text').value.trim()); });
if (DEV_TOKEN) $('dev-login').addEventListener('click', async () => {
  const areas = await (await fetch(DEV_TOKEN)).json();
  const district = areas.areas.find((a) => a.level === 'DISTRICT');
  const response = await fetch(DEV_TOKEN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'data-steward', area: district ? district.code : 'none' }) });
  const body = await response.json();
  if (!response.ok) { $('login-status').textContent = body.error; return; }
  $('token').value = body.token;
  signIn(body.token).catch(() => {});
});
if (sessionStorage.getItem(KEY)) signIn(sessionStorage.getItem(KEY)).catch(() => {});
`;
}
