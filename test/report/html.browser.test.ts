/// <reference lib="dom" />
/**
 * record.html in a real headless Chromium (Debian /usr/bin/chromium driven by playwright-core):
 * the page loads nothing from anywhere, its own CSS and script run under its CSP, hostile
 * evidence runs nothing, the charts are drawn (non-zero SVG boxes with paths, a screenshot that
 * is not blank) and a failed case opens on click. Skips with a message when chromium is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderReports } from '../../src/report/index.js';
import { makeRun, secretRegistry } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const have = existsSync(CHROMIUM);
if (!have) console.warn(`[report] skipping the browser tests: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** Where the screenshots are left for people to look at. */
export const SHOTS = join(tmpdir(), 'hutong-report-screens');

/** Distinct byte values of a PNG's decoded scanlines: a blank image has a handful. */
function pngVariety(png: Buffer): number {
  let off = 8;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    if (type === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const seen = new Set<number>();
  for (let i = 0; i < raw.length; i += 7) seen.add(raw[i]!);
  return seen.size;
}

describe.skipIf(!have)('record.html in headless Chromium', () => {
  let ctx: BrowserContext;
  let page: Page;
  let profile: string;
  let run: string;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    run = makeRun({ variant: 'faulty' }).dir;
    await renderReports(run, { formats: ['html'], secrets: secretRegistry() });
    profile = mkdtempSync(join(tmpdir(), 'hutong-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // nothing may leave the page: every request other than the file itself is refused and noted
    await ctx.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      return url.startsWith('file://') ? route.continue() : route.abort();
    });
    page = ctx.pages()[0] ?? await ctx.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.goto(pathToFileURL(join(run, 'record.html')).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (run) rmSync(run, { recursive: true, force: true });
  });

  it('loads nothing but itself, runs no injected script, and its own CSS and script pass the CSP', async () => {
    expect(requests.filter((u) => !u.endsWith('/record.html'))).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    // the inline stylesheet applied (a hash mismatch in the CSP would leave the badge unstyled)
    expect(await page.locator('.verdict').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(185, 28, 28)');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('draws the charts: SVGs with a size and paths, and a screenshot that is not blank', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(5);
    for (let i = 0; i < 5; i++) {
      const box = await charts.nth(i).boundingBox();
      expect(box!.width).toBeGreaterThan(100);
      expect(box!.height).toBeGreaterThan(100);
      expect(await charts.nth(i).locator('path').count()).toBeGreaterThan(5);
    }
    // every bar has a height: the percentile bars are drawn from the data, not placeholders
    const bars = await page.locator('svg.chart').first().locator('path.bar').evaluateAll((ps) => ps.map((p) => (p as SVGGraphicsElement).getBBox().height));
    expect(bars).toHaveLength(8);
    for (const h of bars) expect(h).toBeGreaterThan(0);
    mkdirSync(SHOTS, { recursive: true });
    const png = await page.locator('#perf-charts').screenshot({ path: join(SHOTS, 'charts.png') });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(pngVariety(png)).toBeGreaterThan(20);
  });

  it('opens a failed case on click, showing its findings and the pretty-printed exchange', async () => {
    const details = page.locator('details#c-EMR-PL-01-T01');
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    const pre = details.locator('pre.xml').first();
    expect(await pre.isVisible()).toBe(false);
    await details.locator('summary').click();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await pre.isVisible()).toBe(true);
    expect((await pre.boundingBox())!.height).toBeGreaterThan(100);
    expect(await pre.innerText()).toContain('<PRPA_IN201311UV02');
    expect(await details.locator('table.findings').innerText()).toContain('WS/T 846.1-2024 §6.2');
    await page.screenshot({ path: join(SHOTS, 'record-expanded.png'), fullPage: true });
  });

  it('the toolbar script expands every failed case', async () => {
    await page.locator('#btn-expand').click();
    const open = await page.locator('details.case').evaluateAll((ds) => ds.map((d) => (d as HTMLDetailsElement).open));
    expect(open.length).toBeGreaterThanOrEqual(3);
    expect(open.every(Boolean)).toBe(true);
    await page.locator('#btn-collapse').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'record-top.png') });
    writeFileSync(join(SHOTS, 'README.txt'), `screenshots of ${join(run, 'record.html')} (test/report/html.browser.test.ts)\n`);
  });
});
