// The dashboard in a real browser: headless Chromium (Debian's `chromium` package, driven by
// playwright-core; no test downloads a browser) against the pool -> the built Worker in workerd
// -> the strict mock Gemini. Signs in, adds keys by pasting, sees a 429 cooldown with Google's
// own reason after the mock returns one, clears it, checks keys, creates a client key, and takes
// a screenshot. UPDATE_SCREENSHOT=1
// writes it to docs/dashboard.png (the README's picture); otherwise to the temp directory.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserContext, type Page, chromium } from '../../tools/node_modules/playwright-core';
import { seedState } from './helpers/seed-state';
import { type CloudflareEdge, startCloudflareEdge } from './helpers/cloudflare-edge';
import { type Backend, type PoolUnderTest, eventually, startBackend, startTestPool, testKey } from './helpers/stack';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// .ci/run installs it: in CI a missing browser fails the run instead of skipping the test.
if (!hasChromium && process.env.CI) throw new Error(`CI: ${CHROMIUM} is missing (.ci/run installs Debian's chromium)`);
if (!hasChromium) console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const ADMIN = 'dashboard-admin-key-42';
const MODEL = 'gemini-2.5-flash';
const initial = Array.from({ length: 10 }, (_, i) => testKey(i + 1));
const pasted = [testKey(11), testKey(12)];

describe.skipIf(!hasChromium)('the dashboard in Chromium', () => {
  let backend: Backend;
  let edge: CloudflareEdge;
  let p: PoolUnderTest;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    backend = await startBackend();
    const dir = await mkdtemp(join(tmpdir(), 'pool-dash-'));
    await seedState(join(dir, 'data'), initial, 'sk-dashboard-seeded-client-000000000000');
    // The Worker behind a stand-in for Cloudflare's edge, so its answers say where it runs.
    edge = await startCloudflareEdge(backend.worker.url, { edge: 'HKG', placement: 'remote-ORD' });
    p = await startTestPool({ keys: initial, upstreams: [edge.url], dir, env: { ADMIN_KEY: ADMIN, KEY_BUDGETS: 'pro=50,flash=1500' } });
    profile = await mkdtemp(join(tmpdir(), 'pool-chromium-'));
    // A fresh profile directory per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1360, height: 940 },
      colorScheme: 'light',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('dialog', (d) => void d.accept());
    // The page must live within its Content-Security-Policy (@fastify/helmet): Chromium reports
    // every blocked script, style or request on the console.
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
    await rm(p?.dir ?? '/nonexistent', { recursive: true, force: true });
    await rm(profile ?? '/nonexistent', { recursive: true, force: true });
    await edge?.close();
    await backend?.close();
  });

  it('signs in, adds keys, shows a 429 cooldown with its reason, clears it, checks keys, creates a client key, works on a phone', async () => {
    await page.goto(`${p.base}/`);
    // A wrong key is refused on the page.
    await page.fill('input[name=key]', 'wrong-key');
    await page.click('button[type=submit]');
    await page.waitForSelector('.signin .error:has-text("Wrong key")');
    await page.fill('input[name=key]', ADMIN);
    await page.click('button[type=submit]');
    await page.waitForSelector('#keys tbody tr[data-key]');
    expect(await page.textContent('#overview')).toContain('Success rate');

    // Bulk add: two new keys, one already there, one garbage line.
    await page.click('text=+ Add keys');
    await page.fill('#add-keys textarea', [`# two new keys`, ...pasted, initial[0], 'not a key at all'].join('\n'));
    await page.click('#add-keys >> text=Add keys');
    await page.waitForSelector('#add-keys .report:has-text("Added 2 keys")');
    const report = await page.textContent('#add-keys .report');
    expect(report).toContain('1 duplicate');
    expect(report).toContain('1 line not a key');
    expect(await readFile(p.keyFile, 'utf8')).toContain(pasted[1]);
    await page.waitForSelector('#keys header .pill:has-text("12 keys")');

    // The mock answers 429 per-minute for the first key; the pool moves on and cools it down.
    backend.mock.script({ key: initial[0]!, times: 1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '47s' } });
    const answer = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.choices[0]?.message.content).toContain('mock answer');
    expect(backend.mock.requests.some((r) => r.key === initial[0] && r.status === 429)).toBe(true);

    const fp = fingerprint(initial[0]!);
    await page.click('#keys .seg button:has-text("Cooling")');
    const row = page.locator(`#keys tr[data-key="${fp}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('per-minute quota');
    await row.locator('.chip').first().click();
    const detail = page.locator('#keys tr.detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('You exceeded your current quota');

    // The upstream list says where the Worker ran (cf-placement over cf-ray's edge).
    await eventually(async () => expect(await page.textContent('#upstreams tbody')).toContain('ORD (placed; edge HKG)'), 8_000);

    // The overview follows within one refresh (5 s): one key cooling down.
    await eventually(async () => expect(await page.evaluate(`document.querySelector('#overview .meter .warn').style.width`)).not.toBe('0%'), 8_000);

    // The picture for the README: overview, chart and the key table with the reason open.
    await page.click('#add-keys >> text=Close');
    await page.click('#keys .seg button:has-text("All")');
    await row.waitFor();
    if (!(await page.locator('#keys tr.detail').count())) await row.locator('.chip').first().click();
    await page.waitForSelector('#keys tr.detail');
    await page.setViewportSize({ width: 1360, height: 1320 });
    await page.evaluate(`document.querySelector('.toasts')?.remove(); window.scrollTo(0, 0)`);
    const shot = process.env['UPDATE_SCREENSHOT'] ? resolve(import.meta.dirname, '../../docs/dashboard.png') : join(tmpdir(), 'opengemini-dashboard.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect((await readFile(shot)).length).toBeGreaterThan(10_000);
    await page.setViewportSize({ width: 1360, height: 940 });

    // Clear the cooldown from the detail row: the key is back in rotation.
    await page.locator('#keys tr.detail button:has-text("Clear")').first().click();
    await eventually(async () => expect(await row.locator('.pill').textContent()).toBe('Available'));
    expect(p.pool.ctx.keys.get(fp)?.cooldowns.size).toBe(0);

    // Check keys: one models-list probe per key, with progress, then a summary.
    await page.click('#keys header >> text=Check keys');
    await page.waitForSelector('#check-progress:has-text("Check finished")');
    expect(await page.textContent('#check-progress')).toContain('12 / 12');
    expect(backend.mock.requests.filter((r) => r.path.startsWith('/v1beta/models') && r.query['pageSize'] === '1')).toHaveLength(12);

    // A client key made on the page is shown once, then only its fingerprint.
    await page.fill('#clients input', 'ci runner');
    await page.click('#clients >> text=Create client key');
    const created = (await page.locator('#clients .callout .mono').textContent()) ?? '';
    expect(created).toMatch(/^sk-[0-9a-f]{48}$/);
    await page.click('#clients .callout >> text=Done');
    await page.waitForSelector(`#clients td:has-text("${fingerprint(created)}")`);
    expect(await page.content()).not.toContain(created);

    // Nothing on the page ever shows a key in full.
    const html = await page.content();
    for (const k of [...initial, ...pasted]) expect(html).not.toContain(k);

    // On a phone: no sideways scrolling, the table turns into cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector('#keys tbody tr[data-key]');
    const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(1);
    expect(await page.locator('#keys thead').isVisible()).toBe(false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(tmpdir(), 'opengemini-dashboard-phone-dark.png') });
    await page.locator('#keys').screenshot({ path: join(tmpdir(), 'opengemini-dashboard-phone-keys.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Sign out: the session is gone, the API refuses the old cookie.
    await page.setViewportSize({ width: 1360, height: 940 });
    await page.click('text=Sign out');
    await page.waitForSelector('input[name=key]');
    const status = await page.evaluate("fetch('admin/overview', { credentials: 'same-origin' }).then((r) => r.status)");
    expect(status).toBe(401);
    expect(cspViolations).toEqual([]);
  });
});
