// UI smoke test: the real Playground page in headless Debian Chromium, driven by playwright-core (playground.md §10.3).
// Personal chat → type "help" → the help card renders → click its Refresh (Action.Execute) → the card is replaced.
// Screenshots go to $ARTIFACTS/*.png. Chromium runs with the offline flags of playground.md §1.1 rule 2, and every
// request to a host other than localhost/127.0.0.1 is aborted in the browser context.
// Usage: PG_URL=http://localhost:56150 ARTIFACTS=e2e/artifacts node ui.test.mjs
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { TestRun, check } from './lib/harness.mjs';

const PG_URL = process.env.PG_URL;
const ARTIFACTS = process.env.ARTIFACTS ?? join(import.meta.dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_TIMEOUT_MS = Number(process.env.E2E_UI_TIMEOUT_MS ?? 30_000);

if (!PG_URL || !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(PG_URL)) {
  console.error(`PG_URL must be a loopback http URL such as http://localhost:56150 (got ${PG_URL ?? 'nothing'})`);
  process.exit(2);
}

const OFFLINE_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

const run = new TestRun();
let context;
let page;
let userDataDir;
let botName;
const blocked = new Set();

async function shot(name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  console.log(`# screenshot ${path}`);
}

const cardsWithRefresh = () => page.locator('.ac-adaptiveCard')
  .filter({ has: page.getByRole('button', { name: 'Refresh', exact: true }) });

run.test('UI: personal "help" renders the help card and its Refresh button updates it in place', async () => {
  await page.goto(PG_URL, { waitUntil: 'domcontentloaded' });
  // Ready signal: the log panel shows the install events the page sends once its config is loaded.
  await page.getByText('conversationUpdate').first().waitFor({ timeout: UI_TIMEOUT_MS })
    .catch(() => { throw new Error(`the Playground UI did not show "conversationUpdate" in its log panel within ${UI_TIMEOUT_MS} ms`); });
  await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
  await shot('ui-1-personal-chat');

  const before = await cardsWithRefresh().count();
  const box = page.getByRole('textbox').last();
  await box.click();
  await box.pressSequentially('help');
  await box.press('Enter');

  const helpCard = cardsWithRefresh().nth(before);
  await helpCard.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      await shot('ui-2-help-card-missing');
      throw new Error(`no adaptive card with a "Refresh" button appeared within ${UI_TIMEOUT_MS} ms after sending "help" (see ui-2-help-card-missing.png)`);
    });
  const text = await helpCard.innerText();
  check(/help/i.test(text) && /status/i.test(text), `the rendered card does not look like the help card: ${text.slice(0, 300)}`);
  await helpCard.scrollIntoViewIfNeeded();
  await shot('ui-2-help-card');

  await helpCard.getByRole('button', { name: 'Refresh', exact: true }).click();
  // A card-type invoke response replaces the card in place and shows this banner (playground.md §7).
  await page.getByText('Your response was sent to the app').first().waitFor({ timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      await shot('ui-3-refresh-failed');
      throw new Error(`clicking Refresh did not update the card within ${UI_TIMEOUT_MS} ms (no "Your response was sent to the app" banner; see ui-3-refresh-failed.png)`);
    });
  const errorCount = await page.getByText(/invoke 5\d\d/).count();
  check(errorCount === 0, 'the Playground log panel shows an invoke 5xx after clicking Refresh');
  const after = cardsWithRefresh().nth(before);
  await after.waitFor({ state: 'visible', timeout: 5_000 });
  check(/help/i.test(await after.innerText()), 'after Refresh the card no longer shows the help content');
  await shot('ui-3-help-card-refreshed');
});

run.test('UI: channel post @mentioning the bot with "status" gets the status card in that thread', async () => {
  await page.getByRole('treeitem', { name: /Agents/ }).first().click();
  const before = await cardsWithRefresh().count();
  // The new-post composer is the first textbox; its placeholder intercepts clicks, so click the textbox itself.
  const composer = page.getByRole('textbox').first();
  await composer.click();
  await composer.pressSequentially(`@${botName.slice(0, 3)}`);
  await page.getByRole('menuitem', { name: new RegExp(botName) }).first().click({ timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      await shot('ui-4-mention-picker-failed');
      throw new Error(`the @mention picker did not offer ${botName} (see ui-4-mention-picker-failed.png)`);
    });
  await composer.pressSequentially(' status');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const statusCard = cardsWithRefresh().nth(before);
  await statusCard.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })
    .catch(async () => {
      await shot('ui-4-status-card-missing');
      throw new Error(`no status card appeared in the Agents channel within ${UI_TIMEOUT_MS} ms (see ui-4-status-card-missing.png)`);
    });
  const text = await statusCard.innerText();
  check(/status/i.test(text) || /version/i.test(text), `the card in the thread does not look like the status card: ${text.slice(0, 300)}`);
  await statusCard.scrollIntoViewIfNeeded();
  await shot('ui-4-channel-status-card');
});

run.test('UI: "link agents" by the admin shows the proactive "channel linked" post in the channel', async () => {
  // Continues in the Agents channel of the previous test. The API tests unlinked it again, so this is a fresh link.
  const composer = page.getByRole('textbox').first();
  await composer.click();
  await composer.pressSequentially(`@${botName.slice(0, 3)}`);
  await page.getByRole('menuitem', { name: new RegExp(botName) }).first().click({ timeout: UI_TIMEOUT_MS });
  await composer.pressSequentially(' link agents');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  // Two cards say "linked" and "agents": the confirmation in the thread and the new post made through
  // POST /v3/conversations, which the Playground's log panel lists as "createConversation 201".
  const linkedCards = page.locator('.ac-adaptiveCard').filter({ hasText: /linked/i }).filter({ hasText: /agents/i });
  const ok = await page.waitForFunction(
    () => /createConversation\s*201/.test(document.body.innerText),
    undefined, { timeout: UI_TIMEOUT_MS },
  ).then(() => linkedCards.nth(1).waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS })).then(() => true, () => false);
  if (!ok) {
    await shot('ui-5-channel-linked-missing');
    throw new Error(`no proactive "channel linked" post (createConversation 201 plus a second card saying "linked" and "agents") appeared within ${UI_TIMEOUT_MS} ms; ${await linkedCards.count()} such card(s) shown (see ui-5-channel-linked-missing.png)`);
  }
  await linkedCards.first().scrollIntoViewIfNeeded();
  await shot('ui-5-channel-linked');
});

process.exitCode = await run.run({
  before: async () => {
    check(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does it)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    const response = await fetch(`${PG_URL}/_internal/v1/config`, { signal: AbortSignal.timeout(30_000) });
    check(response.ok, `GET /_internal/v1/config answered ${response.status}`);
    botName = (await response.json()).config?.bot?.name;
    check(botName, 'the Playground config has no bot name');
    userDataDir = mkdtempSync(join(tmpdir(), 'crisisbot-e2e-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: OFFLINE_FLAGS,
    });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
      blocked.add(url.hostname);
      return route.abort();
    });
    page = context.pages()[0] ?? await context.newPage();
  },
  after: async () => {
    if (blocked.size > 0) console.log(`# aborted requests to: ${[...blocked].sort().join(', ')}`);
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  },
});
