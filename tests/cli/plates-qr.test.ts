import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoRegistry } from '../../src/demo/demo-registry.js';
import { cliEnv, runCli } from '../support/cli.js';
import { tempDir } from '../support/csv-files.js';
import { createTestHub, type TestHub, testDatabaseKind } from '../support/test-hub.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { launchChromium, screenshot } from '../pages/browser.js';

const run = promisify(execFile);

// The CLI prints from the demo registry in a data folder of its own; the codes point at a
// real server over the same (deterministic) demo registry, so each decoded URL can be followed.
const GRID = '32010200200102';
const STREET = '320102002';
let t: TestServer;
let cliHub: TestHub | undefined;
let env: NodeJS.ProcessEnv;
let browser: Browser;
let origin: string;
const out = tempDir('gridgraph-plates-');

/** The grid's plates, straight from the generated demo registry: a literal list, not the CLI's query. */
const gridPlates = generateDemoRegistry()
  .addresses.filter((a) => a.grid_code === GRID && a.door_plate_code !== '')
  .map((a) => a.door_plate_code)
  .sort();

/** What `zbarimg` reads in an image: the text of every QR code in it. */
async function decode(file: string): Promise<string[]> {
  const { stdout } = await run('zbarimg', ['--quiet', '--raw', file]).catch((error) => ({ stdout: String(error.stdout ?? '') }));
  return stdout.split('\n').filter((line) => line !== '');
}

beforeAll(async () => {
  t = await startTestServer();
  origin = new URL(t.server.url).origin;
  if (process.env.TEST_DATABASE_URL) {
    cliHub = await createTestHub();
    env = cliEnv({ DATABASE_URL: cliHub.url, GRIDGRAPH_DEMO: 'on', GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-'), GRIDGRAPH_PUBLIC_URL: `${origin}/` });
  } else {
    env = cliEnv({ GRIDGRAPH_DATA_DIR: tempDir('gridgraph-data-'), GRIDGRAPH_PUBLIC_URL: `${origin}/` });
  }
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await cliHub?.close();
});

describe(`gridgraph plates qr (${testDatabaseKind})`, () => {
  it('writes one PNG code per plate of the grid; zbarimg decodes each to the page of exactly that plate, which shows its address', async () => {
    expect(gridPlates.length).toBeGreaterThan(2);
    const result = await runCli(['plates', 'qr', '--grid', GRID, '--out', path.join(out, 'png'), '--format', 'png'], env);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const files = fs.readdirSync(path.join(out, 'png', GRID)).sort();
    expect(files).toEqual(gridPlates.map((code) => `${code}.png`));
    for (const code of gridPlates) {
      const decoded = await decode(path.join(out, 'png', GRID, `${code}.png`));
      expect(decoded).toEqual([`${origin}/p/${code}`]);
      const page = await fetch(decoded[0]);
      expect(page.status).toBe(200);
      const { rows } = await sql<{ full_text: string }>`select full_text from standard_address where door_plate_code = ${code}`.execute(t.hub.db);
      expect(rows).toHaveLength(1);
      expect(await page.text()).toContain(rows[0].full_text);
    }
  });

  it("prints the grid's sheet with the address and plate code under each code; a screenshot of it decodes to every plate", async () => {
    const result = await runCli(['plates', 'qr', '--grid', GRID, '--out', path.join(out, 'svg')], env);
    expect(result.code).toBe(0);
    expect(fs.readdirSync(path.join(out, 'svg', GRID)).sort()).toEqual(gridPlates.map((code) => `${code}.svg`));
    const html = fs.readFileSync(path.join(out, 'svg', `${GRID}.html`), 'utf8');
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    try {
      const page = await context.newPage();
      await page.setContent(html);
      const text = (await page.locator('body').innerText()).replace(/\s+/g, '');
      const { rows } = await sql<{ code: string; full_text: string }>`
        select door_plate_code as code, full_text from standard_address where grid_code = ${GRID} and door_plate_code <> '' order by code`.execute(t.hub.db);
      expect(rows.map((r) => r.code).sort()).toEqual(gridPlates);
      for (const row of rows) {
        expect(text).toContain(row.code);
        expect(text).toContain(row.full_text.slice(0, 51));
      }
      const shot = await screenshot(page, 'plates-sheet');
      const decoded = (await decode(shot)).sort();
      expect(decoded).toEqual(gridPlates.map((code) => `${origin}/p/${code}`));
      expect(requests.filter((url) => !url.startsWith('about:') && !url.startsWith('data:'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('prints a whole street: one sheet per grid of its communities, no plate of another street', async () => {
    const result = await runCli(['plates', 'qr', '--street', STREET, '--out', path.join(out, 'street')], env);
    expect(result.code).toBe(0);
    const expectedGrids = [...new Set(generateDemoRegistry().addresses.filter((a) => a.division_code.startsWith(STREET) && a.door_plate_code !== '' && a.grid_code !== '').map((a) => a.grid_code))].sort();
    expect(expectedGrids.length).toBeGreaterThan(1);
    const sheets = fs.readdirSync(path.join(out, 'street')).filter((name) => name.endsWith('.html')).sort();
    expect(sheets).toEqual(expectedGrids.map((grid) => `${grid}.html`));
  });

  it('refuses pdf, two scopes at once, an unknown grid and an unusable public URL, each with a message that says why', async () => {
    const pdf = await runCli(['plates', 'qr', '--grid', GRID, '--out', path.join(out, 'pdf'), '--format', 'pdf'], env);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain('print it to PDF');
    const both = await runCli(['plates', 'qr', '--grid', GRID, '--street', STREET, '--out', path.join(out, 'both')], env);
    expect(both.code).toBe(2);
    const unknown = await runCli(['plates', 'qr', '--grid', 'NOPE', '--out', path.join(out, 'nope')], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no door plates in grid NOPE');
    const badUrl = await runCli(['plates', 'qr', '--grid', GRID, '--out', path.join(out, 'bad')], { ...env, GRIDGRAPH_PUBLIC_URL: 'ftp://x' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('GRIDGRAPH_PUBLIC_URL');
    expect(fs.existsSync(path.join(out, 'pdf'))).toBe(false);
  });
});
