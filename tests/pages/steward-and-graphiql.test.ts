import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.js';
import { startServer, type RunningServer } from '../../src/server/http-server.js';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { testRealm } from '../support/test-realm.js';
import { launchChromium, openWatchedPage, screenshot } from './browser.js';

// Two servers over one demo world: world.t as production runs it (no token picker, as with
// KEYCLOAK_URL), and `dev` as the embedded development realm runs it (the picker on).
let world: DemoWorld;
let dev: RunningServer;
let devOrigin: string;
let browser: Browser;

beforeAll(async () => {
  world = await startDemoWorld(0.05);
  const realm = testRealm();
  dev = await startServer({ db: world.hub.db, connectors, sources: world.sources, port: 0, host: '127.0.0.1', verifier: realm.verifier, devRealm: realm.realm });
  devOrigin = `http://127.0.0.1:${dev.port}`;
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await dev?.close();
  await world?.close();
});

/** The source tables the demo serves, from the connectors' own declarations. */
const SOURCE_TABLES = connectors.flatMap((c) => c.tables.map((t) => `${c.name}/${t.table}`)).sort();

describe(`GraphiQL in a real browser (${testDatabaseKind})`, () => {
  it('on the development realm, gets a development token into its headers and runs the welcome query, loading nothing off the host', async () => {
    const watched = await openWatchedPage(browser, devOrigin);
    try {
      await watched.page.goto(`${devOrigin}/graphql`);
      await watched.page.locator('#dev-status').filter({ hasText: 'district-command' }).waitFor({ timeout: 60_000 });
      await watched.page.locator('.graphiql-execute-button').click();
      const result = watched.page.locator('.result-window');
      await result.filter({ hasText: 'resolveAddress' }).waitFor({ timeout: 60_000 });
      const text = await result.innerText();
      expect(text).not.toContain('UNAUTHENTICATED');
      expect(text).toContain('"status": "MATCHED"');
      expect(text).toContain('玄武区');
      await watched.page.getByText('Headers', { exact: true }).click();
      expect(await watched.page.locator('.graphiql-editor-tool').innerText()).toContain('Bearer ey');
      await screenshot(watched.page, 'graphiql-dev-token');
      expect(watched.offHost).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('in production mode offers no picker, and the token route does not exist', async () => {
    const origin = new URL(world.t.server.url).origin;
    const watched = await openWatchedPage(browser, origin);
    try {
      await watched.page.goto(`${origin}/graphql`);
      await watched.page.locator('.graphiql-execute-button').waitFor({ timeout: 60_000 });
      expect(await watched.page.locator('#dev-token').count()).toBe(0);
      expect(watched.offHost).toEqual([]);
    } finally {
      await watched.close();
    }
    const minted = await fetch(`${origin}/graphiql/dev-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"dept-police","area":"320102"}' });
    expect(minted.status).toBe(404);
    expect(await minted.text()).not.toContain('ey');
  });
});

describe(`the steward's pages in a real browser (${testDatabaseKind})`, () => {
  it('with a data-steward token: quality per source table, a paginated masked worklist, sync status, conflicts, and resolveAddress explained', async () => {
    const token = await testRealm().token({ roles: ['data-steward'], districts: ['320102'] });
    const watched = await openWatchedPage(browser, devOrigin);
    try {
      const { page } = watched;
      await page.goto(`${devOrigin}/steward`);
      await page.locator('#token').fill(token);
      await page.getByRole('button', { name: /sign in/ }).click();
      await page.locator('#quality-table table').waitFor({ timeout: 60_000 });
      const rows = await page.locator('#quality-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.children[0].textContent}/${tr.children[1].textContent}`));
      expect([...rows].sort()).toEqual(SOURCE_TABLES);
      await page.locator('#sync-table tbody tr').first().waitFor();
      const synced = await page.locator('#sync-table tbody tr').evaluateAll((trs) => trs.map((tr) => `${tr.children[0].textContent}/${tr.children[1].textContent}`));
      // Every declared table has its sync status (a connector may sync a table more, e.g. dispute parties).
      expect([...new Set(synced)]).toEqual(expect.arrayContaining(SOURCE_TABLES));
      await screenshot(page, 'steward-quality');

      // The worklist behind the largest unmatched-address count: 20 a page, then the next.
      const links = page.locator('a[data-kind="ADDRESS_UNMATCHED"]');
      expect(await links.count()).toBeGreaterThan(0);
      const counts = await links.allInnerTexts();
      const largest = counts.map(Number).indexOf(Math.max(...counts.map(Number)));
      const total = Number(counts[largest]);
      await links.nth(largest).click();
      await page.locator('#worklist-table tbody tr').first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#worklist-table tbody tr').count()).toBe(Math.min(20, total));
      expect(await page.locator('#worklist-count').innerText()).toBe(`${Math.min(20, total)} / ${total}`);
      // Address texts come masked to a data steward (L3): cut to building level, never a room.
      const texts = await page.locator('#worklist-table tbody tr td:nth-child(3)').allInnerTexts();
      for (const text of texts) expect(text).not.toMatch(/\d+室/);
      if (total > 20) {
        await page.locator('#worklist-more').click();
        await page.locator('#worklist-count').filter({ hasText: `${Math.min(40, total)} / ${total}` }).waitFor({ timeout: 60_000 });
      }
      await screenshot(page, 'steward-worklist');

      await page.locator('#resolve-text').fill('南京市玄武区长江路6号1栋99单元301室');
      await page.getByRole('button', { name: /resolve/ }).click();
      await page.locator('#resolve-result table').first().waitFor({ timeout: 60_000 });
      const resolved = await page.locator('#resolve-result').innerText();
      expect(resolved).toContain('PARTIAL');
      expect(resolved).toContain('长江路');
      await screenshot(page, 'steward-resolve');
      expect(watched.offHost).toEqual([]);
      expect(watched.errors).toEqual([]);
      // The token lives in the tab's session only.
      expect(await page.evaluate('[sessionStorage.getItem("gridgraph.steward.token") !== null, localStorage.length]')).toEqual([true, 0]);
    } finally {
      await watched.close();
    }
  });

  it('with an auditor token shows no quality figures; with a token of another realm returns to sign-in saying why', async () => {
    const auditor = await testRealm().token({ roles: ['auditor'] });
    const watched = await openWatchedPage(browser, devOrigin);
    try {
      const { page } = watched;
      await page.goto(`${devOrigin}/steward`);
      await page.locator('#token').fill(auditor);
      await page.getByRole('button', { name: /sign in/ }).click();
      await page.locator('#quality-table > p, #app-status:not(:empty)').first().waitFor({ timeout: 60_000 });
      expect(await page.locator('#quality-table tbody tr').count()).toBe(0);
      await page.locator('#logout').click();
      await page.locator('#token').fill('eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
      await page.getByRole('button', { name: /sign in/ }).click();
      await page.locator('#login-status').filter({ hasText: /invalid token|unauthenticated/ }).waitFor({ timeout: 60_000 });
      expect(await page.locator('#app').isHidden()).toBe(true);
    } finally {
      await watched.close();
    }
  });
});
