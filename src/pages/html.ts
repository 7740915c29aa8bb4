import type { Response } from 'express';

/** Text made safe to place inside HTML elements and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The pages' one stylesheet, inline: the pages load nothing but themselves
 * (government networks are often offline, and a resident's phone should not
 * wait on a second request).
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d2330;background:#f4f6f9}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.25rem;margin:.5rem 0 1rem}
section,.card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
dl{margin:0}dt{color:#5b6475;font-size:.875rem}dd{margin:0 0 .75rem;font-size:1.0625rem}
a{color:#0b5cad}
a.tel{display:inline-block;padding:.25rem .75rem;border:1px solid #0b5cad;border-radius:1rem;text-decoration:none}
.muted{color:#5b6475;font-size:.875rem}
footer{color:#5b6475;font-size:.75rem;text-align:center;padding:1rem}
table{border-collapse:collapse;width:100%;font-size:.875rem}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #e3e7ee;vertical-align:top}
input,select,button,textarea{font:inherit;padding:.35rem .5rem}
button{cursor:pointer}
.wide{max-width:72rem}
.error{color:#a4262c}
nav a{margin-right:1rem}
`;

/**
 * What every page answers with: no cache (answers are about people), no
 * referrer, and a content security policy that lets the page load nothing
 * from anywhere but its own host (scripts only when the page says so).
 */
export function sendPage(res: Response, status: number, page: { title: string; body: string; script?: string; wide?: boolean }): void {
  const scriptPolicy = page.script === undefined ? "script-src 'none'" : `script-src 'self' 'unsafe-inline'`;
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .set('X-Content-Type-Options', 'nosniff')
    .set('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; ${scriptPolicy}; form-action 'self'; base-uri 'none'`)
    .type('html')
    .send(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main${page.wide ? ' class="wide"' : ''}>
${page.body}
</main>
${page.script === undefined ? '' : `<script>${page.script}</script>`}
</body>
</html>`);
}

/** `GET /`: where a newcomer lands — links to GraphiQL, the steward's pages, and how a plate's page is reached. */
export function sendHomePage(res: Response, paths: { graphql: string; steward: string; plate: string }): void {
  sendPage(res, 200, {
    title: 'gridgraph',
    body: `<h1>gridgraph</h1>
<section><ul>
<li><a href="${escapeHtml(paths.graphql)}">GraphiQL</a> — 图查询 · the graph (${escapeHtml(paths.graphql)})</li>
<li><a href="${escapeHtml(paths.steward)}">数据质量</a> — 数据管理员页面 · the data steward's pages</li>
<li>门牌页面 · a door plate's page: <code>${escapeHtml(paths.plate)}/&lt;门牌编码&gt;</code></li>
</ul></section>`,
  });
}
