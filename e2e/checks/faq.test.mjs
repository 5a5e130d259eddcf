// Feature check (issue 7 §1): the public FAQ. Two expert answers marked "add to FAQ" are asked, answered and approved
// through the bot (Bob asks by command, Carol answers on the question card, Dan approves on the review card; clicks by
// users other than the Playground's current user are mocked invokes, as in expert.test.mjs), the bot publishes a FAQ
// version a few seconds later, `faq` answers with the public address, and headless Debian Chromium (offline flags,
// every non-localhost request aborted) opens /faq: it loads, has landmarks and headings, the filter hides entries and
// announces the count, it works without JavaScript, and screenshots go to $ARTIFACTS/faq-*.png.
// Product e2e-lockers (owner Carol, approver Dan) comes from e2e/products.e2e.yaml. Run by run-e2e.sh with PG_URL,
// BOT_URL and ARTIFACTS.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  Playground, TestRun, brief, cardsOf, check, findAction, textsOf, verbsOf,
} from '../lib/harness.mjs';

const PG_URL = process.env.PG_URL;
const BOT_URL = process.env.BOT_URL ?? 'http://127.0.0.1:3978';
const ARTIFACTS = process.env.ARTIFACTS ?? join(import.meta.dirname, '..', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.E2E_REPLY_TIMEOUT_MS ?? 30_000);
for (const [name, url] of [['PG_URL', PG_URL], ['BOT_URL', BOT_URL]]) {
  if (!url || !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(url)) {
    console.error(`${name} must be a loopback http URL (got ${url ?? 'nothing'})`);
    process.exit(2);
  }
}
if (typeof WebSocket !== 'function') {
  console.error('No global WebSocket: run with node --experimental-websocket (Node 20) or Node 22+.');
  process.exit(2);
}

const PRODUCT = 'e2e-lockers';
const PRODUCT_NAME = 'E2E parcel lockers';
const RUN = Date.now().toString(36);
// Two unrelated questions (so the second is not joined to the first), each with a word only it contains.
const ANSWERS = [
  {
    question: `Can a friend collect my zebra locker parcel with my pickup code, ref ${RUN}?`,
    customerReply: `Yes: anyone with your pickup code can open the locker, so share it only with people you trust (ref ${RUN}).`,
    shortReply: `Yes, anyone with the pickup code can collect it (ref ${RUN}).`,
    word: 'friend',
  },
  {
    question: `How many days does a parcel wait inside the locker before it is returned, ref ${RUN}?`,
    customerReply: `Parcels wait 5 days in the locker; after that they go back to the sender & you get an email (ref ${RUN}).`,
    shortReply: `5 days, then it goes back to the sender (ref ${RUN}).`,
    word: 'returned',
  },
];
const OFFLINE_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

const pg = new Playground(PG_URL);
const run = new TestRun();
let admin, bob, carol, dan, agentsChannel, browser;
const blocked = new Set();
const cspViolations = [];

const threadOf = (messageId) => `${agentsChannel.id};messageid=${messageId}`;
const cardText = (card) => textsOf(card).join('\n').replace(/\\(.)/g, '$1');
const hasVerb = (verb) => (card) => verbsOf(card).includes(verb);

async function waitForCard(mark, conversationId, accept, what, actions = ['createMessage', 'updateMessage']) {
  return pg.waitFor(
    () => {
      for (const event of pg.messagesSince(mark, conversationId)) {
        if (!actions.includes(event.action)) continue;
        const card = cardsOf(event.message).find(accept);
        if (card) return { message: event.message, card };
      }
      return undefined;
    },
    TIMEOUT_MS,
    () => `no ${what} arrived in ${conversationId} within ${TIMEOUT_MS} ms; bot output: `
      + brief(pg.messagesSince(mark).map((e) => [e.action, e.actionConversationId, e.message?.text,
        ...cardsOf(e.message).map((c) => textsOf(c).slice(0, 3).join(' | '))]), 1500),
  );
}

/** An Action.Execute click by any configured user, through the Playground's "Mock an Activity" API. */
async function clickAs(user, threadId, replyToId, verb, data) {
  const query = `conversationId=${encodeURIComponent(agentsChannel.id)}&type=userAdded`;
  const response = await fetch(`${pg.baseUrl}/_internal/v1/customActivities/template?${query}`, { signal: AbortSignal.timeout(30_000) });
  check(response.ok, `GET /_internal/v1/customActivities/template answered ${response.status}`);
  const { membersAdded: _added, ...template } = await response.json();
  const result = await pg.post('/_internal/v1/customActivities', {
    ...template,
    id: `e2e-faq-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data } },
    replyToId,
    locale: 'en-US',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { ...template.conversation, id: threadId },
    channelData: { tenant: template.channelData.tenant, team: template.channelData.team, channel: { id: agentsChannel.id }, source: { name: 'message' } },
  });
  check(result.status === 200, `the ${verb} click by ${user.name} was not accepted: HTTP ${result.status} ${brief(result.text)}`);
}

async function faqJson() {
  const response = await fetch(`${BOT_URL}/faq.json`, { signal: AbortSignal.timeout(10_000) });
  check(response.ok, `GET /faq.json answered ${response.status}`);
  return response.json();
}

const questionsOf = (faq) => (faq.products ?? []).flatMap((p) => p.entries.map((e) => e.question));

async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    blocked.add(url.hostname);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page };
}

async function shot(page, name) {
  const path = join(ARTIFACTS, `faq-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`# screenshot ${path}`);
}

run.test('the admin links the Agents channel as the e2e-lockers product and approvers channel', async () => {
  for (const command of [`link product ${PRODUCT}`, 'link approvers']) {
    const mark = pg.mark();
    const posted = await pg.say(agentsChannel.id, admin.id, command, { mentionBot: true });
    const thread = posted.postConversationId ?? threadOf(posted.messageId);
    const reply = await pg.waitFor(() => pg.messagesSince(mark, thread)[0], TIMEOUT_MS, () => `no reply to "${command}"`);
    const text = [reply.message?.text ?? '', ...cardsOf(reply.message).flatMap(textsOf)].join(' ');
    check(!/not allowed|only admins|don't know/i.test(text), `"${command}" was refused: ${brief(text)}`);
  }
});

run.test('two answers marked "add to FAQ" are asked, answered and approved: the bot publishes them', async () => {
  for (const answer of ANSWERS) {
    const root = await pg.say(agentsChannel.id, admin.id, `Customer question for the FAQ check (${RUN})`);
    let mark = pg.mark();
    await pg.sayAsUser(bob, agentsChannel.id, root.messageId, `ask ${PRODUCT} ${answer.question}`);
    const question = await waitForCard(mark, agentsChannel.id, (c) => hasVerb('question.refresh')(c) && cardText(c).includes(answer.question),
      'question card in the product channel', ['createMessage']);
    const questionId = findAction(question.card, 'question.refresh')?.data?.questionId;
    check(questionId, `the question card has no questionId: ${brief(findAction(question.card, 'question.refresh'))}`);

    mark = pg.mark();
    await clickAs(carol, threadOf(question.message.messageId), question.message.messageId, 'question.submitAnswer', {
      questionId, facts: `Facts for the FAQ check (${RUN}).`, customerReply: answer.customerReply, shortReply: answer.shortReply, addToFaq: 'true',
    });
    const review = await waitForCard(mark, agentsChannel.id, (c) => hasVerb('answer.reviewRefresh')(c) && cardText(c).includes(answer.customerReply),
      'answer review card', ['createMessage']);
    const data = findAction(review.card, 'answer.reviewRefresh')?.data;
    check(data?.answerId && data?.version, `the review card has no answerId/version: ${brief(data)}`);
    await clickAs(dan, threadOf(review.message.messageId), review.message.messageId, 'answer.approve', { answerId: data.answerId, version: data.version });
  }

  // Publishing on approval runs through a durable timer a few seconds later.
  const deadline = Date.now() + TIMEOUT_MS;
  let faq = await faqJson();
  while (!ANSWERS.every((a) => questionsOf(faq).includes(a.question))) {
    check(Date.now() < deadline, `GET /faq.json did not list both approved questions within ${TIMEOUT_MS} ms: ${brief(questionsOf(faq))}`);
    await new Promise((resolve) => { setTimeout(resolve, 500); });
    faq = await faqJson();
  }
  check(Number.isInteger(faq.version) && faq.version >= 1 && faq.asOf, `the FAQ has no version or "as of": ${brief(faq)}`);
  check(faq.products.some((p) => p.key === PRODUCT && p.name === PRODUCT_NAME), `the FAQ has no ${PRODUCT} group: ${brief(faq.products)}`);
});

run.test('"faq" answers with the public address and the current version', async () => {
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'faq', { mentionBot: true });
  const thread = posted.postConversationId ?? threadOf(posted.messageId);
  const reply = await pg.waitFor(() => pg.messagesSince(mark, thread).find((e) => e.message?.text), TIMEOUT_MS, () => 'no reply to "faq"');
  check(/http:\/\/(127\.0\.0\.1|localhost):3978\/faq/.test(reply.message.text) && /version \d+/.test(reply.message.text),
    `the "faq" reply lacks the address or the version: ${brief(reply.message.text)}`);
});

run.test('Chromium: /faq loads with landmarks and headings, and the filter hides entries and announces the count', async () => {
  const { context, page } = await newPage();
  try {
    const response = await page.goto(`${BOT_URL}/faq`, { waitUntil: 'load' });
    check(response?.status() === 200, `GET /faq answered ${response?.status()}`);
    check(await page.getAttribute('html', 'lang') === 'en', 'the page has no lang="en"');
    for (const role of ['banner', 'navigation', 'main', 'contentinfo']) {
      check(await page.getByRole(role).count() >= 1, `the page has no ${role} landmark`);
    }
    check(await page.getByRole('heading', { level: 1 }).count() === 1, 'the page does not have exactly one h1');
    check(await page.getByRole('heading', { level: 2, name: PRODUCT_NAME }).count() === 1, `no h2 "${PRODUCT_NAME}"`);
    for (const answer of ANSWERS) {
      check(await page.getByRole('heading', { level: 3, name: answer.question }).isVisible(), `the question "${answer.question}" is not shown`);
    }
    check(await page.getByText(ANSWERS[1].customerReply).isVisible(), 'the customer reply with "&" is not shown as text');
    await page.keyboard.press('Tab');
    check(await page.evaluate(() => document.activeElement?.textContent) === 'Skip to the answers', 'the first Tab does not reach the skip link');
    await shot(page, '1-page');

    const filter = page.getByLabel('Filter the answers');
    const status = page.locator('#faq-count');
    check(await status.getAttribute('aria-live') === 'polite', 'the count is not announced (no aria-live="polite")');
    const total = (await faqJson()).entryCount;
    await filter.fill(ANSWERS[0].word);
    const q = (answer) => page.getByRole('heading', { level: 3, name: answer.question });
    await q(ANSWERS[1]).waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => { throw new Error(`typing "${ANSWERS[0].word}" did not hide the other answer`); });
    check(await q(ANSWERS[0]).isVisible(), `typing "${ANSWERS[0].word}" hid the matching answer`);
    const announced = await status.textContent();
    check(announced === `1 of ${total} answers match.`, `the live region says "${announced}", expected "1 of ${total} answers match."`);
    await shot(page, '2-filtered');

    await filter.fill('nothing-matches-this-zebra');
    await page.getByText('No answer matches your filter').waitFor({ timeout: 5_000 });
    check(!(await page.getByRole('heading', { level: 2, name: PRODUCT_NAME }).isVisible()), 'the empty product group is still shown');
    await filter.fill('');
    await q(ANSWERS[1]).waitFor({ state: 'visible', timeout: 5_000 });
    check((await status.textContent()).startsWith('Showing all'), `clearing the filter left "${await status.textContent()}"`);

    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `on a 390 px wide screen the page scrolls sideways by ${overflow} px`);
    await shot(page, '3-narrow');
  } finally {
    await context.close();
  }
  check(cspViolations.length === 0, `the browser reported Content-Security-Policy violations: ${brief(cspViolations)}`);
});

run.test('Chromium without JavaScript: the filter form filters on the server', async () => {
  const { context, page } = await newPage({ javaScriptEnabled: false });
  try {
    await page.goto(`${BOT_URL}/faq`, { waitUntil: 'load' });
    await page.getByLabel('Filter the answers').fill(ANSWERS[1].word);
    await Promise.all([page.waitForURL(/\/faq\?q=/), page.getByRole('button', { name: 'Filter' }).click()]);
    check(await page.getByRole('heading', { level: 3, name: ANSWERS[1].question }).isVisible(), 'the matching answer is not shown');
    check(!(await page.getByRole('heading', { level: 3, name: ANSWERS[0].question }).isVisible()), 'the other answer is still shown');
    check(/^1 of \d+ answers? match\.$/.test(await page.locator('#faq-count').textContent()), 'the count is not shown without JavaScript');
    await shot(page, '4-no-javascript');
  } finally {
    await context.close();
  }
});

process.exitCode = await run.run({
  before: async () => {
    check(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does it)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await pg.connect();
    const config = pg.config;
    admin = config.currentUser;
    const byName = (name) => config.users?.find((u) => u.name === name);
    [bob, carol, dan] = ['Bob Agent', 'Carol Expert', 'Dan Approver'].map(byName);
    agentsChannel = config.teams?.[0]?.channels?.find((c) => c.name === 'Agents');
    check(admin && bob && carol && dan && agentsChannel, `e2e/playground.yml lacks Alice, Bob, Carol, Dan or the Agents channel: ${brief(config)}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: OFFLINE_FLAGS });
    console.log(`# Playground ${PG_URL}, bot ${BOT_URL}, product ${PRODUCT}, run ${RUN}`);
  },
  after: async () => {
    if (blocked.size > 0) console.log(`# aborted requests to: ${[...blocked].sort().join(', ')}`);
    await browser?.close();
    pg.close();
  },
});
