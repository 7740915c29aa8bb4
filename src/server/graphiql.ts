import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Kysely } from 'kysely';
import { ROLES, type Role, isRole } from '../access/roles.js';
import type { DevRealm } from '../auth/dev-realm.js';
import { mintToken, type TokenRequest } from '../auth/mint-token.js';
import type { HubSchema } from '../db/hub-schema.js';
import { findAllRegions } from '../registry/region-repository.js';

const require = createRequire(import.meta.url);

/** A file inside an installed package, whether or not the package exports that path. */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}

/**
 * GraphiQL served entirely from this package's own dependencies — government
 * networks are often offline, so the page loads nothing from a CDN.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

export const GRAPHIQL_ASSET_PATH = '/graphiql';

/** Routes for GraphiQL's scripts and styles, mounted at GRAPHIQL_ASSET_PATH. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, asset] of Object.entries(ASSETS)) {
    router.get(`/${name}`, (_req, res) => {
      res.type(asset.type).set('Cache-Control', 'public, max-age=86400').sendFile(asset.file);
    });
  }
  return router;
}

/** Where the development realm's token picker asks for areas and tokens (embedded development realm only). */
export const DEV_TOKEN_PATH = `${GRAPHIQL_ASSET_PATH}/dev-token`;

/** Which claim an area goes in, by role: the row scope of docs/design.md §5.2. */
function areaClaim(role: Role): keyof Pick<TokenRequest, 'grids' | 'communities' | 'streets' | 'districts'> {
  if (role === 'grid-worker') return 'grids';
  if (role === 'community-staff') return 'communities';
  if (role === 'street-staff') return 'streets';
  return 'districts';
}

/** Requests from this machine only: the picker hands out any role, which only the developer at the keyboard should get. */
function fromLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * The token picker's routes, mounted only on the embedded development realm
 * (never with KEYCLOAK_URL: production tokens come from Keycloak alone).
 * `GET` lists the roles and the registry's districts, streets and communities;
 * `POST {role, area}` mints a one-hour development token, as `gridgraph token`
 * would. Both answer requests from this machine only.
 */
export function devTokenRoutes(devRealm: DevRealm, db: Kysely<HubSchema>): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    if (fromLoopback(req.socket.remoteAddress)) return next();
    res.status(403).json({ error: 'development tokens are handed out to this machine only; use gridgraph token' });
  });
  router.get('/', async (_req, res, next) => {
    try {
      const regions = (await findAllRegions(db)).filter((r) => r.level === 'DISTRICT' || r.level === 'STREET' || r.level === 'COMMUNITY');
      regions.sort((a, b) => (a.code < b.code ? -1 : 1));
      res.set('Cache-Control', 'no-store').json({
        roles: Object.entries(ROLES).map(([role, scope]) => ({ role, scope, claim: areaClaim(role as Role) })),
        areas: regions.map((r) => ({ code: r.code, name: r.name, level: r.level })),
      });
    } catch (error) {
      next(error);
    }
  });
  router.post('/', express.json({ limit: 2048 }), async (req, res, next) => {
    try {
      const { role, area } = (req.body ?? {}) as { role?: unknown; area?: unknown };
      if (typeof role !== 'string' || !isRole(role) || typeof area !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(area)) {
        res.status(400).json({ error: 'expected {"role": one of the realm roles, "area": a region or grid code}' });
        return;
      }
      const token = await mintToken(devRealm, { roles: [role], [areaClaim(role)]: role === 'auditor' ? undefined : [area], subject: `graphiql-${role}` });
      res.set('Cache-Control', 'no-store').json({ token });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/**
 * The page a browser gets at the GraphQL URL. The default query shows the
 * place graph. With `devTokens` (the embedded development realm), a bar above
 * GraphiQL picks a role and an area, fetches a development token and puts it
 * in GraphiQL's headers; on first load it takes district-command over the
 * first district, so the welcome query answers at once.
 */
export function graphiqlPage(endpoint: string, options: { devTokens?: boolean } = {}): string {
  const defaultQuery = `# gridgraph. Run this, then follow the graph: a door plate, its address, the rooms below.
# Without a token only doorPlate(code:) answers, and the schema is not shown.
# ${options.devTokens ? 'Development realm: pick a role and an area above, "Use token" puts it under Headers.' : 'Put {"Authorization": "Bearer <token>"} under Headers (from your Keycloak), then re-fetch the schema (⟳).'}
{
  resolveAddress(text: "南京市玄武区长江路6号1栋2单元301室") {
    status confidence reason
    address { code level fullText grid { name } doorPlate { code } }
  }
  regions(level: DISTRICT) {
    nodes { code name children(first: 3) { totalCount nodes { code name } } }
  }
}
`;
  const picker = options.devTokens
    ? `<form id="dev-token" aria-label="development token">
    <strong>开发令牌 · development token</strong>
    <label>角色 role <select id="dev-role"></select></label>
    <label>范围 area <select id="dev-area"></select></label>
    <input id="dev-grid" placeholder="grid code" hidden>
    <button type="submit">Use token</button>
    <span id="dev-status" role="status"></span>
  </form>`
    : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>gridgraph · GraphiQL</title>
  <link rel="stylesheet" href="${GRAPHIQL_ASSET_PATH}/graphiql.css" />
  <style>
    html, body { height: 100%; margin: 0; }
    body { display: flex; flex-direction: column; }
    #graphiql { flex: 1; min-height: 0; }
    #dev-token { display: flex; gap: 1rem; align-items: center; padding: .4rem .8rem; font: 14px system-ui, sans-serif; background: #fff8e1; border-bottom: 1px solid #e0c060; }
    #dev-token select, #dev-token input, #dev-token button { font: inherit; }
  </style>
</head>
<body>
  ${picker}
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="${GRAPHIQL_ASSET_PATH}/react.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/react-dom.js"></script>
  <script src="${GRAPHIQL_ASSET_PATH}/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    const root = ReactDOM.createRoot(document.getElementById('graphiql'));
    let mounts = 0;
    // A new key remounts GraphiQL: its headers editor takes the new token and the schema is fetched with it.
    function render(headers) {
      root.render(React.createElement(GraphiQL, { key: ++mounts, fetcher, defaultQuery: ${JSON.stringify(defaultQuery)}, headers, shouldPersistHeaders: false }));
    }
    ${options.devTokens ? devTokenScript() : 'render(undefined);'}
  </script>
</body>
</html>`;
}

/** The picker's script: fills the selects from DEV_TOKEN_PATH, mints on submit, and mints district-command over the first district on load. */
function devTokenScript(): string {
  return `
    const roleSelect = document.getElementById('dev-role');
    const areaSelect = document.getElementById('dev-area');
    const gridInput = document.getElementById('dev-grid');
    const status = document.getElementById('dev-status');
    const LEVEL_OF = { districts: 'DISTRICT', streets: 'STREET', communities: 'COMMUNITY' };
    let choices = { roles: [], areas: [] };
    function claimOf(role) { return (choices.roles.find((r) => r.role === role) || {}).claim; }
    function fillAreas() {
      const claim = claimOf(roleSelect.value);
      gridInput.hidden = claim !== 'grids';
      areaSelect.hidden = claim === 'grids' || roleSelect.value === 'auditor';
      areaSelect.replaceChildren(...choices.areas.filter((a) => a.level === LEVEL_OF[claim]).map((a) => new Option(a.name + ' ' + a.code, a.code)));
    }
    async function useToken() {
      const area = claimOf(roleSelect.value) === 'grids' ? gridInput.value.trim() : (areaSelect.value || 'none');
      status.textContent = '…';
      const response = await fetch(${JSON.stringify(DEV_TOKEN_PATH)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: roleSelect.value, area }) });
      const body = await response.json();
      if (!response.ok) { status.textContent = body.error; return; }
      render(JSON.stringify({ Authorization: 'Bearer ' + body.token, 'X-Access-Purpose': 'GraphiQL exploration' }, null, 2));
      status.textContent = roleSelect.value + ' · ' + area + ' · 1 h';
    }
    roleSelect.addEventListener('change', fillAreas);
    document.getElementById('dev-token').addEventListener('submit', (event) => { event.preventDefault(); useToken(); });
    fetch(${JSON.stringify(DEV_TOKEN_PATH)}).then((r) => r.json()).then((body) => {
      choices = body;
      roleSelect.replaceChildren(...body.roles.map((r) => new Option(r.role, r.role)));
      roleSelect.value = 'district-command';
      fillAreas();
      return useToken();
    }).catch((error) => { status.textContent = String(error); render(undefined); });`;
}
