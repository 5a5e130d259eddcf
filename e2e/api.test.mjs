// Protocol-level end-to-end tests: CrisisBot against the real Agents Playground, through the Playground's own
// HTTP + WebSocket API (playground.md §6.2), no browser. Run by run-e2e.sh inside a loopback-only network namespace.
// Usage: PG_URL=http://localhost:56150 node [--experimental-websocket] api.test.mjs
import {
  CARD_TYPE, MESSAGE_TYPE, Playground, TestRun, brief, cardsOf, check, delay, findAction, textsOf, verbsOf,
} from './lib/harness.mjs';

const PG_URL = process.env.PG_URL;
if (!PG_URL || !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(PG_URL)) {
  console.error(`PG_URL must be a loopback http URL such as http://localhost:56150 (got ${PG_URL ?? 'nothing'})`);
  process.exit(2);
}
if (typeof WebSocket !== 'function') {
  console.error('No global WebSocket: run with node --experimental-websocket (Node 20) or Node 22+.');
  process.exit(2);
}

const REPLY_TIMEOUT_MS = Number(process.env.E2E_REPLY_TIMEOUT_MS ?? 20_000);
const QUIET_MS = Number(process.env.E2E_QUIET_MS ?? 2_500);

const pg = new Playground(PG_URL);
const run = new TestRun();

// Filled in by setup from the Playground's config (e2e/playground.yml).
let bot, admin, nonAdmin, personalId, team, agentsChannel;
// Shared between tests: the cards the bot sent, to act on them later.
const seen = {};

/** Waits for the first bot message after `mark` in `conversationId` that carries a card satisfying `accept`. */
async function waitForCard(mark, conversationId, accept, what) {
  return pg.waitFor(
    () => {
      for (const message of pg.messagesSince(mark, conversationId)) {
        const card = cardsOf(message.message).find(accept);
        if (card) return { message: message.message, card };
      }
      return undefined;
    },
    REPLY_TIMEOUT_MS,
    () => `no ${what} arrived in ${conversationId} within ${REPLY_TIMEOUT_MS} ms; bot output there since the request: `
      + `${brief(pg.messagesSince(mark, conversationId).map(summary))}; bot output elsewhere: `
      + `${brief(pg.messagesSince(mark).filter((m) => m.actionConversationId !== conversationId).map(summary))}; `
      + `Playground log: ${brief(pg.logsSince(mark).map(logSummary))}`,
  );
}

/** Waits for any bot message after `mark` in `conversationId` (text or card). */
async function waitForAnyMessage(mark, conversationId, what) {
  return pg.waitFor(
    () => pg.messagesSince(mark, conversationId)[0],
    REPLY_TIMEOUT_MS,
    () => `no ${what} arrived in ${conversationId} within ${REPLY_TIMEOUT_MS} ms; bot output elsewhere: `
      + `${brief(pg.messagesSince(mark).map(summary))}; Playground log: ${brief(pg.logsSince(mark).map(logSummary))}`,
  );
}

function summary(event) {
  const cards = cardsOf(event.message);
  return {
    action: event.action,
    conversation: event.actionConversationId,
    text: event.message?.text,
    cards: cards.map((c) => textsOf(c).slice(0, 3).join(' | ')),
  };
}

function logSummary(log) {
  return log.displayText ?? `${log.activityName} ${log.response?.statusCode ?? ''}`.trim();
}

/** Every visible text of a bot message, card texts included, as one string for content checks. */
function visibleText(message) {
  return [message?.text ?? '', ...cardsOf(message).flatMap(textsOf)].join('\n');
}

/** All the bot said in a conversation since `mark` (the Playground may split text and card into two messages). */
function threadText(mark, conversationId) {
  return pg.messagesSince(mark, conversationId).map((m) => visibleText(m.message)).join('\n');
}

const hasVerb = (verb) => (card) => verbsOf(card).includes(verb);

/** The texts of a card with digits masked, so two renderings compare equal unless their content changed. */
const shape = (card) => textsOf(card).map((t) => t.replace(/\d+/g, '#')).join('\n');

/** Asks for `links` in the personal chat and returns the links card. */
async function linksCard(label) {
  const mark = pg.mark();
  await pg.say(personalId, admin.id, 'links');
  const { card } = await waitForCard(mark, personalId, hasVerb('links.refresh'),
    `links card (Action.Execute links.refresh) for ${label}`);
  return card;
}

/** Waits until the bot has been quiet in every conversation for QUIET_MS (to count what it sent). */
async function settle() {
  let last = -1;
  for (;;) {
    const now = pg.conversationEvents.length + pg.logEvents.length;
    if (now === last) return;
    last = now;
    await delay(QUIET_MS);
  }
}

run.test('install events sent twice do not produce duplicate welcome cards', async () => {
  const conversations = [personalId, team.id];
  const first = pg.mark();
  for (const id of conversations) {
    const result = await pg.install(id);
    check(result.status >= 200 && result.status < 300,
      `first POST /_debug/conversation/${id}/installation answered ${result.status} ${brief(result.text)}`);
  }
  await settle();
  const firstLogs = pg.logsSince(first);
  const failedDeliveries = firstLogs.filter((l) => /Cannot connect/i.test(l.displayText ?? '')
    || (l.response?.statusCode ?? 200) >= 400);
  check(failedDeliveries.length === 0,
    `the bot did not accept the first install events: ${brief(failedDeliveries.map(logSummary))}`);
  const welcomesAfterFirst = pg.messagesSince(first).filter((m) => conversations.includes(m.actionConversationId));
  check(welcomesAfterFirst.length <= conversations.length * 2,
    `the first install already produced ${welcomesAfterFirst.length} messages: ${brief(welcomesAfterFirst.map(summary))}`);

  const second = pg.mark();
  for (const id of conversations) {
    const result = await pg.install(id);
    check(result.status >= 200 && result.status < 300,
      `second POST /_debug/conversation/${id}/installation answered ${result.status} ${brief(result.text)}`);
  }
  await settle();
  const secondLogs = pg.logsSince(second);
  const delivered = secondLogs.filter((l) => l.activityName === 'installationUpdate' || l.activityName === 'conversationUpdate');
  check(delivered.length >= 2,
    `the Playground log shows no installationUpdate/conversationUpdate sent for the second install: ${brief(secondLogs.map(logSummary))}`);
  const refused = secondLogs.filter((l) => /Cannot connect/i.test(l.displayText ?? '') || (l.response?.statusCode ?? 200) >= 400);
  check(refused.length === 0, `the bot did not accept the repeated install events: ${brief(refused.map(logSummary))}`);
  const duplicates = pg.messagesSince(second).filter((m) => conversations.includes(m.actionConversationId));
  check(duplicates.length === 0,
    `the repeated install produced ${duplicates.length} new bot messages (duplicate welcome): ${brief(duplicates.map(summary))}`);
});

run.test('personal "help" gets the help card over the conversation WebSocket', async () => {
  const mark = pg.mark();
  await pg.say(personalId, admin.id, 'help');
  const { message, card } = await waitForCard(mark, personalId, hasVerb('help.refresh'),
    'help card (an adaptive card with Action.Execute verb help.refresh)');
  check(textsOf(card).some((t) => /status/i.test(t)) && textsOf(card).some((t) => /link/i.test(t)),
    `the help card does not list the status and link commands: ${brief(textsOf(card))}`);
  seen.help = { message, card };
});

run.test('personal unknown command gets the help card', async () => {
  const mark = pg.mark();
  await pg.say(personalId, admin.id, 'frobnicate the widgets');
  await waitForCard(mark, personalId, hasVerb('help.refresh'), 'help card for an unknown command');
});

run.test('channel @mention "status" replies with the status card in that thread', async () => {
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'status', { mentionBot: true });
  const thread = posted.postConversationId ?? `${agentsChannel.id};messageid=${posted.messageId}`;
  const { message, card } = await waitForCard(mark, thread, hasVerb('status.refresh'),
    'status card (Action.Execute verb status.refresh) as a reply in the thread');
  const newPosts = pg.messagesSince(mark, agentsChannel.id);
  check(newPosts.length === 0, `the status answer was posted as a new channel post instead of a thread reply: ${brief(newPosts.map(summary))}`);
  seen.status = { message, card, thread };
});

run.test('"link agents" by a non-admin is refused and changes no binding', async () => {
  const before = await linksCard('the state before the non-admin attempt');
  // The Playground's message API always sends as the current user, so the non-admin's message is a mocked activity
  // posted into a thread the Playground knows (its root is a plain post that does not mention the bot).
  const root = await pg.say(agentsChannel.id, admin.id, `Thread for ${nonAdmin.name}`);
  const mark = pg.mark();
  const { threadId: thread } = await pg.sayAsUser(nonAdmin, agentsChannel.id, root.messageId, 'link agents');
  await waitForAnyMessage(mark, thread, 'refusal reply in the thread');
  await settle();
  const text = threadText(mark, thread);
  check(/admin|not allowed|permission|not authori[sz]ed/i.test(text),
    `the reply to a non-admin "link agents" is not a refusal: ${brief(text)}`);
  const proactive = pg.messagesSince(mark, agentsChannel.id);
  check(proactive.length === 0, `a refused link still made a new channel post: ${brief(proactive.map(summary))}`);
  const after = await linksCard('the state after the non-admin attempt');
  check(shape(after) === shape(before),
    `the links card changed after a refused link.\n  before: ${brief(textsOf(before))}\n  after:  ${brief(textsOf(after))}`);
  seen.linksBefore = after;
});

run.test('"link agents" by the admin confirms in the thread and posts proactively into the channel', async () => {
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'link agents', { mentionBot: true });
  const thread = posted.postConversationId ?? `${agentsChannel.id};messageid=${posted.messageId}`;
  const confirmation = await waitForCard(mark, thread, () => true, 'confirmation card in the thread');
  check(/agents/i.test(visibleText(confirmation.message)),
    `the confirmation card does not mention the agents role: ${brief(textsOf(confirmation.card))}`);
  // The proactive post is a new post at the channel root (POST /v3/conversations), not a reply in the thread.
  const post = await waitForCard(mark, agentsChannel.id, () => true,
    'proactive "channel linked" post (createMessage at the channel root, from POST /v3/conversations)');
  const created = await pg.waitFor(
    () => pg.logsSince(mark).find((l) => l.activityName === 'createConversation'),
    REPLY_TIMEOUT_MS,
    () => `the Playground log shows no createConversation call: ${brief(pg.logsSince(mark).map(logSummary))}`,
  );
  check(created.response?.statusCode === 201,
    `createConversation answered ${created.response?.statusCode}, expected 201: ${brief(created.response)}`);
  check(/link/i.test(visibleText(post.message)),
    `the proactive post does not say the channel was linked: ${brief(visibleText(post.message))}`);
  const after = await linksCard('the state after the admin linked Agents');
  check(shape(after) !== shape(seen.linksBefore ?? {}),
    `the links card did not change after the admin linked the channel: ${brief(textsOf(after))}`);
  check(/agents/i.test(textsOf(after).join('\n')),
    `the links card does not show the agents binding: ${brief(textsOf(after))}`);
});

run.test('Action.Execute status.refresh returns an updated status card synchronously', async () => {
  check(seen.status, 'no status card was captured (the channel "status" test failed)');
  const action = findAction(seen.status.card, 'status.refresh');
  const result = await pg.execute({
    conversationId: seen.status.thread, fromId: admin.id, replyToId: seen.status.message.messageId,
    verb: 'status.refresh', data: action?.data,
  });
  check(result.status === 200, `POST /_conversation/v1/invoke answered HTTP ${result.status}: ${brief(result.text)}`);
  const body = result.json;
  check(body?.type === CARD_TYPE, `the invoke response type is ${body?.type}, expected ${CARD_TYPE}: ${brief(result.text)}`);
  check(body.statusCode === undefined || body.statusCode === 200, `the invoke response statusCode is ${body.statusCode}`);
  check(body.value?.type === 'AdaptiveCard', `the invoke response value is not an AdaptiveCard: ${brief(body.value)}`);
  check(verbsOf(body.value).includes('status.refresh'), `the refreshed status card lost its Refresh action: ${brief(body.value)}`);
  // A channel was linked since the first rendering, so a fresh status card shows different numbers.
  check(JSON.stringify(textsOf(body.value)) !== JSON.stringify(textsOf(seen.status.card)),
    `the refreshed status card is identical to the original although a channel was linked since: ${brief(textsOf(body.value))}`);
});

run.test('Action.Execute help.refresh returns the help card synchronously', async () => {
  check(seen.help, 'no help card was captured (the personal "help" test failed)');
  const action = findAction(seen.help.card, 'help.refresh');
  const result = await pg.execute({
    conversationId: personalId, fromId: admin.id, replyToId: seen.help.message.messageId,
    verb: 'help.refresh', data: action?.data,
  });
  check(result.status === 200, `POST /_conversation/v1/invoke answered HTTP ${result.status}: ${brief(result.text)}`);
  check(result.json?.type === CARD_TYPE, `the invoke response type is ${result.json?.type}, expected ${CARD_TYPE}: ${brief(result.text)}`);
  check(verbsOf(result.json.value).includes('help.refresh'),
    `the refreshed help card has no help.refresh action: ${brief(result.json.value)}`);
});

run.test('an unknown card verb gets a message-type invoke response, never an error', async () => {
  check(seen.help, 'no help card was captured (the personal "help" test failed)');
  const mark = pg.mark();
  const result = await pg.execute({
    conversationId: personalId, fromId: admin.id, replyToId: seen.help.message.messageId,
    verb: 'e2e.noSuchVerb', data: { probe: true },
  });
  check(result.status === 200, `POST /_conversation/v1/invoke answered HTTP ${result.status}: ${brief(result.text)}`);
  check(result.json?.type === MESSAGE_TYPE,
    `the invoke response type is ${result.json?.type}, expected ${MESSAGE_TYPE}: ${brief(result.text)}`);
  check(typeof result.json.value === 'string' && result.json.value.trim() !== '',
    `the message-type invoke response has no text: ${brief(result.json)}`);
  check(result.json.statusCode === undefined || result.json.statusCode === 200,
    `the invoke response statusCode is ${result.json.statusCode}`);
  await delay(300);
  const errors = pg.logsSince(mark).filter((l) => (l.response?.statusCode ?? 200) >= 500 || /invoke 5\d\d/.test(l.displayText ?? ''));
  check(errors.length === 0, `the Playground log shows a server error for the unknown verb: ${brief(errors)}`);
});

run.test('"unlink agents" by the admin removes the binding', async () => {
  check(seen.linksBefore, 'no links card from before the link was captured (the non-admin test failed)');
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'unlink agents', { mentionBot: true });
  const thread = posted.postConversationId ?? `${agentsChannel.id};messageid=${posted.messageId}`;
  await waitForAnyMessage(mark, thread, 'unlink confirmation in the thread');
  await settle();
  const text = threadText(mark, thread);
  check(/unlink/i.test(text), `the reply to "unlink agents" is not an unlink confirmation: ${brief(text)}`);
  const after = await linksCard('the state after the admin unlinked Agents');
  check(shape(after) === shape(seen.linksBefore),
    `the links card after unlinking differs from the one before linking.\n  before link: ${brief(textsOf(seen.linksBefore))}\n  after unlink: ${brief(textsOf(after))}`);
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    const config = pg.config;
    bot = config.bot;
    admin = config.currentUser;
    nonAdmin = config.users?.[0];
    personalId = config.personalChat?.id;
    team = config.teams?.[0];
    agentsChannel = team?.channels?.find((c) => c.name === 'Agents');
    check(bot && admin && nonAdmin && personalId && team && agentsChannel,
      `e2e/playground.yml must define the bot, the current user, users, a personal chat and a team with an "Agents" channel: ${brief(config)}`);
    console.log(`# Playground ${PG_URL}: bot ${bot.id}, admin ${admin.id}, team "${team.name}", channel "${agentsChannel.name}"`);
  },
  after: async () => pg.close(),
});
