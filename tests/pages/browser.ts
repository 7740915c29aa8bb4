import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core (no browser download). `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: outside the repository. `GRIDGRAPH_SHOTS_DIR`, default a folder in the system's temp dir. */
export const SHOTS_DIR = process.env.GRIDGRAPH_SHOTS_DIR ?? path.join(os.tmpdir(), 'gridgraph-shots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page in a fresh context that records every request it makes off the hub's host (there must be none). */
export interface WatchedPage {
  readonly page: Page;
  /** URLs requested anywhere but the hub's origin (`data:` and `about:` aside). */
  readonly offHost: string[];
  /** Page errors and console errors. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openWatchedPage(browser: Browser, hubOrigin: string, options: { mobile?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext(
    options.mobile ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } : { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' },
  );
  const offHost: string[] = [];
  const errors: string[] = [];
  // Anything off the host is both recorded and refused, so a test never waits on the internet.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== hubOrigin) {
      offHost.push(url);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, offHost, errors, close: () => context.close() };
}

/** Saves a full-page screenshot as `<name>.png` in SHOTS_DIR and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
