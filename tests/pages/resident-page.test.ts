import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoWorld, type DemoWorld } from '../support/demo-world.js';
import { testDatabaseKind } from '../support/test-hub.js';
import { launchChromium, openWatchedPage, screenshot } from './browser.js';

let world: DemoWorld;
let browser: Browser;
let origin: string;
/** A door plate of the demo registry, with what its page must show, read straight from the hub and the governance source. */
let plate: { code: string; fullText: string; gridName: string; workers: { name: string; phone: string }[] };

beforeAll(async () => {
  world = await startDemoWorld(0.05);
  origin = new URL(world.t.server.url).origin;
  const door = await world.hub.db
    .selectFrom('standard_address as a')
    .innerJoin('grid as g', 'g.code', 'a.grid_code')
    .select(['a.door_plate_code', 'a.full_text', 'g.name', 'g.code as grid_code'])
    .where('a.door_plate_code', 'is not', null)
    .where('a.level', '=', 'DOOR')
    .orderBy('a.code')
    .executeTakeFirstOrThrow();
  const governance = world.sources.find((source) => source.connector.name === 'governance')!;
  const workers = await governance.db.selectFrom('ZZ_WGY').select(['XM', 'FWDH']).where('WGBM', '=', door.grid_code).execute();
  plate = { code: door.door_plate_code!, fullText: door.full_text, gridName: door.name, workers: workers.map((w: any) => ({ name: w.XM, phone: w.FWDH })) };
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** docs/design.md §5.4's name mask, written out again here: 张* / 张*明 / first and last kept. */
const masked = (name: string) => {
  const chars = [...name];
  return chars.length === 2 ? `${chars[0]}*` : `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
};

describe(`the resident's page /p/<code> (${testDatabaseKind})`, () => {
  it('shows the address, the grid, the masked grid workers and a tel: link to their service phone, on a phone, loading nothing off the host', async () => {
    expect(plate.workers.length).toBeGreaterThan(0);
    const watched = await openWatchedPage(browser, origin, { mobile: true });
    try {
      const response = await watched.page.goto(`${origin}/p/${plate.code}`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['cache-control']).toBe('no-store');
      const text = await watched.page.locator('main').innerText();
      expect(text).toContain(plate.fullText);
      expect(text).toContain(plate.gridName);
      expect(text).toContain(plate.code);
      for (const worker of plate.workers) {
        expect(text).toContain(masked(worker.name));
        expect(text).not.toContain(worker.name);
      }
      const tels = await watched.page.locator('a[href^="tel:"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      expect(tels.sort()).toEqual(plate.workers.map((w) => `tel:${w.phone.replace(/-/g, '')}`).sort());
      // Nothing but the public view: four labelled facts, no scripts.
      expect(await watched.page.locator('dt').allInnerTexts()).toEqual(['标准地址', '所属网格', '网格员']);
      expect(await watched.page.locator('script').count()).toBe(0);
      expect(watched.offHost).toEqual([]);
      expect(watched.errors).toEqual([]);
      await screenshot(watched.page, 'resident-page');
    } finally {
      await watched.close();
    }
  });

  it('answers an unknown plate and a malformed code with the same friendly 404 page, naming nothing', async () => {
    const watched = await openWatchedPage(browser, origin, { mobile: true });
    try {
      for (const code of ['320102MP9999999', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'a'.repeat(65), '..%2F..%2Fgraphql']) {
        const response = await watched.page.goto(`${origin}/p/${code}`);
        expect(response?.status()).toBe(404);
        expect(await watched.page.locator('h1').innerText()).toBe('未找到该门牌');
        expect(await watched.page.content()).not.toContain('<script');
      }
      await screenshot(watched.page, 'resident-page-404');
      expect(watched.offHost).toEqual([]);
    } finally {
      await watched.close();
    }
  });

  it('asks the graph as the anonymous viewer: the same plate over /graphql without a token gives the same facts', async () => {
    const answer = await world.t.query(
      `query ($code: String!) { doorPlate(code: $code) { address { fullText grid { name } } } }`,
      { code: plate.code },
      { as: null },
    );
    expect(answer.data.doorPlate.address).toEqual({ fullText: plate.fullText, grid: { name: plate.gridName } });
  });
});
