// The web page in headless Chromium (Debian's, driven by playwright-core): submit a trace and watch it finish, see
// its call path diagram, then submit a command, see its argv, and approve it from the page. The screenshots are
// kept in test-results/browser/.
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requires } from '../helpers/skip.js';
import { type Served, serveWorkspace } from '../helpers/serve.js';
import { FIXTURES, makeWorkspace, REPO_ROOT, type TempWorkspace } from '../helpers/workspace.js';

const CHROMIUM = process.env.OFFICE_CHROMIUM ?? '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
const SHOTS = join(REPO_ROOT, 'test-results', 'browser');

// .ci/run installs Debian's chromium and sets OFFICE_REQUIRE_CHROMIUM=1: there a missing browser fails the run
// instead of the page going untested.
it(
  'Chromium is installed where OFFICE_REQUIRE_CHROMIUM=1 says it must be',
  requires(
    process.env.OFFICE_REQUIRE_CHROMIUM === '1',
    'OFFICE_REQUIRE_CHROMIUM is not 1: the browser test is optional here (.ci/run requires it)',
  ),
  () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install chromium)`).toBe(true);
  },
);

const needsChromium = requires(
  found,
  `no Chromium at ${CHROMIUM} (apt-get install chromium, or set OFFICE_CHROMIUM)`,
);

describe('the web page', () => {
  let ws: TempWorkspace;
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!found) return;
    await mkdir(SHOTS, { recursive: true });
    ws = await makeWorkspace('office-page-');
    await cp(join(FIXTURES, 'ts-shop'), ws.path('shop'), { recursive: true });
    served = await serveWorkspace(ws.root);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // The flags this machine needs: no sandbox as root, and nothing that reaches for the network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 60_000,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(45_000);
  }, 120_000);

  afterAll(async () => {
    if (!found) return;
    await browser?.close();
    await served?.server.close();
    await ws?.cleanup();
  });

  async function submit(request: string): Promise<string> {
    await page.goto(`${served.url}/`);
    await page.fill('textarea[name=request]', request);
    await page.click('#submit');
    await page.waitForURL(/#\/tasks\//);
    return decodeURIComponent(page.url().split('#/tasks/')[1] ?? '');
  }

  it('submits a trace, watches it finish, and shows the call path as a diagram', {
    ...needsChromium,
    timeout: 120_000,
  }, async () => {
    const taskId = await submit('trace checkout to chargeCard in ./shop/src');
    await page.waitForSelector('#task[data-status="succeeded"][data-state="finished"]');
    const diagram = page.locator('.diagram svg');
    await diagram.waitFor();
    const boxes = page.locator('.diagram svg g.hop');
    const hops: (string | null)[] = [];
    for (let i = 0; i < (await boxes.count()); i++) hops.push(await boxes.nth(i).getAttribute('data-hop'));
    expect(hops).toEqual(['checkout', 'OrderService.place', 'StripeGateway.charge', 'chargeCard']);
    expect(await page.locator('.diagram svg g.edge').count()).toBe(3);
    await page.locator('.diagram').screenshot({ path: join(SHOTS, 'trace-diagram.png') });
    await page.screenshot({ path: join(SHOTS, 'trace-task-page.png'), fullPage: true });

    await page.goto(`${served.url}/#/`);
    const row = page.locator(`tr[data-task="${taskId}"]`);
    await row.locator('[data-status="succeeded"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'task-list.png'), fullPage: true });
  });

  it('shows the argv of a step waiting for approval, and approving it from the page runs it', {
    ...needsChromium,
    timeout: 120_000,
  }, async () => {
    await submit('run echo approved-in-the-browser');
    const waiting = page.locator('.approval[data-step="run"]');
    await waiting.waitFor();
    expect(await waiting.locator('.argv').getAttribute('data-argv')).toBe(
      JSON.stringify(['echo', 'approved-in-the-browser']),
    );
    expect(await waiting.locator('.argv').textContent()).toBe('echo approved-in-the-browser');
    await page.screenshot({ path: join(SHOTS, 'approval-waiting.png'), fullPage: true });
    await waiting.locator('[data-action="approve"]').click();
    await page.waitForSelector('#task[data-status="succeeded"][data-state="finished"]');
    expect(await page.locator('pre').last().textContent()).toContain('approved-in-the-browser');
    await page.screenshot({ path: join(SHOTS, 'approval-done.png'), fullPage: true });
  });
});
