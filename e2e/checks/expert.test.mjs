// Feature check (issue 6 §7, issue 5 §5): the expert loop in the real Agents Playground, started from a REAL hot-topic
// card. A small spike posted to POST /api/posts makes the e2e-lockers hot-topic card appear in the product channel; an
// agent clicks its "Ask an expert" with the card's own action data (→ the pre-filled ask form → Ask), a second agent asks
// the same by command and joins (+1), the product owner answers on the question card, the approver approves on the
// review card, and the approved answer arrives in both agents' threads. The hot-topic card follows along: "1 agent
// waiting" and "+1 / join" after the ask, "2 agents waiting" after the join, "Approved answer available" with the short
// reply and "Send me the answer" after the approval. The Playground has no per-user views, so clicks by other users than
// the current one are mocked invoke activities ("Mock an Activity"); role-specific views are covered by the bot's
// endpoint tests. People and product: e2e/products.e2e.yaml (owner Carol Expert, approver Dan Approver), appended to the
// sample by run-e2e.sh. Run by run-e2e.sh with PG_URL, BOT_URL and E2E_INTAKE_SECRET (the bot's Intake:Secrets:0); the
// bot runs with TopicCards:UpdateInterval shortened so card updates come within seconds.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  MESSAGE_TYPE, Playground, TestRun, brief, cardsOf, check, findAction, textsOf, verbsOf,
} from '../lib/harness.mjs';

const PG_URL = process.env.PG_URL;
const BOT_URL = process.env.BOT_URL ?? 'http://127.0.0.1:3978';
const SECRET = process.env.E2E_INTAKE_SECRET;
const loopback = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;
if (!PG_URL || !loopback.test(PG_URL) || !loopback.test(BOT_URL)) {
  console.error(`PG_URL and BOT_URL must be loopback http URLs such as http://localhost:56150 (got ${PG_URL ?? 'nothing'}, ${BOT_URL})`);
  process.exit(2);
}
if (!SECRET) {
  console.error('E2E_INTAKE_SECRET must be the bot\'s Intake:Secrets:0 (run-e2e.sh sets both).');
  process.exit(2);
}
if (typeof WebSocket !== 'function') {
  console.error('No global WebSocket: run with node --experimental-websocket (Node 20) or Node 22+.');
  process.exit(2);
}

const REPLY_TIMEOUT_MS = Number(process.env.E2E_REPLY_TIMEOUT_MS ?? 30_000);
const PRODUCT = 'e2e-lockers';
const PRODUCT_NAME = 'E2E parcel lockers';
// Posts that route to e2e-lockers (phrase "zebra locker code") and cross the spike threshold: one hot-topic card.
const SPIKE_FILE = new URL('../data/expert-spike.jsonl', import.meta.url);
// A run id keeps the texts unique, so a match can only come from this run's cards.
const RUN = Date.now().toString(36);
const QUESTION = `Why does the zebra locker code SMS not arrive for some customers, ref ${RUN}?`;
const ANSWER = {
  facts: `Known SMS gateway outage since 09:00; codes are queued, not lost, ref ${RUN}.`,
  customerReply: `Sorry for the wait: locker code texts are delayed today. Your code will arrive within 2 hours, and your parcel stays in the locker for 5 days, ref ${RUN}.`,
  shortReply: `Locker code texts are delayed today; yours will arrive within 2 hours, ref ${RUN}.`,
};

const pg = new Playground(PG_URL);
const run = new TestRun();
let admin, bob, carol, dan, frank, agentsChannel;
const seen = {};

const hasVerb = (verb) => (card) => verbsOf(card).includes(verb);
/** A card's visible text with the markdown escapes (\\( \\* …) undone, so it compares with what was typed. */
const cardText = (card) => textsOf(card).join('\n').replace(/\\(.)/g, '$1');
const threadOf = (messageId) => `${agentsChannel.id};messageid=${messageId}`;

function summary(event) {
  return {
    action: event.action,
    conversation: event.actionConversationId,
    text: event.message?.text,
    cards: cardsOf(event.message).map((c) => textsOf(c).slice(0, 4).join(' | ')),
  };
}

/** Waits for a bot message after `mark` in `conversationId` (createMessage or updateMessage) with a card passing `accept`. */
async function waitForCard(mark, conversationId, accept, what, actions = ['createMessage', 'updateMessage']) {
  return pg.waitFor(
    () => {
      for (const event of pg.messagesSince(mark, conversationId)) {
        if (!actions.includes(event.action)) continue;
        const card = cardsOf(event.message).find(accept);
        if (card) return { event, message: event.message, card };
      }
      return undefined;
    },
    REPLY_TIMEOUT_MS,
    () => `no ${what} arrived in ${conversationId} within ${REPLY_TIMEOUT_MS} ms; bot output there: `
      + `${brief(pg.messagesSince(mark, conversationId).map(summary), 1500)}; elsewhere: `
      + `${brief(pg.messagesSince(mark).filter((m) => m.actionConversationId !== conversationId).map(summary), 1500)}`,
  );
}

/** Any bot text or card after `mark` in `conversationId` whose visible text matches `pattern`. */
async function waitForText(mark, conversationId, pattern, what) {
  return pg.waitFor(
    () => pg.messagesSince(mark, conversationId).find((e) => pattern.test(
      [e.message?.text ?? '', ...cardsOf(e.message).flatMap(textsOf)].join('\n'))),
    REPLY_TIMEOUT_MS,
    () => `no ${what} (matching ${pattern}) arrived in ${conversationId} within ${REPLY_TIMEOUT_MS} ms; bot output there: `
      + `${brief(pg.messagesSince(mark, conversationId).map(summary), 1500)}`,
  );
}

/**
 * An Action.Execute click by any configured user: the Playground's invoke API always acts as the current user, so this
 * posts an `adaptiveCard/action` invoke through "Mock an Activity" with that user as `from` (with aadObjectId, as Teams
 * sends it) in the conversation of the card (`threadId`, the card's message `replyToId`).
 */
async function executeAsUser(user, threadId, replyToId, verb, data) {
  const query = `conversationId=${encodeURIComponent(agentsChannel.id)}&type=userAdded`;
  const response = await fetch(`${pg.baseUrl}/_internal/v1/customActivities/template?${query}`,
    { signal: AbortSignal.timeout(30_000) });
  check(response.ok, `GET /_internal/v1/customActivities/template answered ${response.status}`);
  const template = await response.json();
  check(template?.serviceUrl && template?.channelData?.team?.id,
    `the activity template for ${agentsChannel.id} has no serviceUrl or team: ${brief(template)}`);
  const { membersAdded: _added, ...base } = template;
  const activity = {
    ...base,
    id: `e2e-invoke-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data } },
    replyToId,
    locale: 'en-US',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: { ...template.conversation, id: threadId },
    channelData: {
      tenant: template.channelData.tenant,
      team: template.channelData.team,
      channel: { id: agentsChannel.id },
      source: { name: 'message' },
    },
  };
  const result = await pg.post('/_internal/v1/customActivities', activity);
  check(result.status === 200, `the ${verb} click by ${user.name} was not accepted: HTTP ${result.status} ${brief(result.text)}`);
  return result;
}

/** POST /api/posts with the HMAC-SHA256 signature over `timestamp + "." + body`. */
async function postPosts(lines) {
  const body = `${lines.join('\n')}\n`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(`${BOT_URL}/api/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'X-CrisisBot-Timestamp': timestamp, 'X-CrisisBot-Signature': `sha256=${signature}` },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  check(response.status === 202, `POST /api/posts answered ${response.status}: ${brief(text)}`);
  return JSON.parse(text);
}

const isHotTopicCard = (card) => hasVerb('topic.refresh')(card) && hasVerb('topic.askExpert')(card);
const messageIdOf = (message) => message?.messageId ?? message?.id;

/** Waits for an in-place update of the real hot-topic card (same message id) whose text passes `accept`. */
async function waitForTopicCard(mark, accept, what) {
  const id = seen.topic.messageId;
  return pg.waitFor(
    () => {
      for (const event of pg.messagesSince(mark, agentsChannel.id)) {
        if (event.action !== 'updateMessage' || messageIdOf(event.message) !== id) continue;
        const card = cardsOf(event.message).find(isHotTopicCard);
        if (card && accept(card)) return { event, card };
      }
      return undefined;
    },
    REPLY_TIMEOUT_MS,
    () => `the hot-topic card ${id} was not updated to show ${what} within ${REPLY_TIMEOUT_MS} ms; its updates: `
      + `${brief(pg.messagesSince(mark, agentsChannel.id).filter((e) => messageIdOf(e.message) === id).map(summary), 1500)}`,
  );
}

/** The input element with this id anywhere in the card. */
function inputOf(card, id) {
  let found;
  const visit = (node) => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (typeof node.type === 'string' && node.type.startsWith('Input.') && node.id === id) { found = node; return; }
    Object.values(node).forEach(visit);
  };
  visit(card);
  return found;
}

/** The values a user types into a card's inputs, merged into the action's data as Teams does (Action.Execute, Auto). */
function fillInputs(card, values) {
  const ids = new Set();
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      if (typeof node.type === 'string' && node.type.startsWith('Input.') && typeof node.id === 'string') ids.add(node.id);
      Object.values(node).forEach(visit);
    }
  };
  visit(card);
  for (const id of Object.keys(values)) {
    check(ids.has(id), `the card has no input "${id}" (inputs: ${[...ids].join(', ') || 'none'}): ${brief(textsOf(card))}`);
  }
  return values;
}

run.test('the admin links the Agents channel as the product and approvers channel', async () => {
  for (const command of [`link product ${PRODUCT}`, 'link approvers']) {
    const mark = pg.mark();
    const posted = await pg.say(agentsChannel.id, admin.id, command, { mentionBot: true });
    const thread = posted.postConversationId ?? threadOf(posted.messageId);
    await waitForText(mark, thread, /link/i, `confirmation of "${command}"`);
    const text = pg.messagesSince(mark, thread).map((e) => [e.message?.text ?? '', ...cardsOf(e.message).flatMap(textsOf)].join(' ')).join(' ');
    check(!/not allowed|only admins|unknown|don't know/i.test(text), `"${command}" was refused: ${brief(text)}`);
  }
});

run.test('a spike posted through POST /api/posts makes the real hot-topic card appear in the product channel', async () => {
  const lines = readFileSync(SPIKE_FILE, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const mark = pg.mark();
  const result = await postPosts(lines);
  check(result.accepted + result.duplicates === lines.length && result.rejected.length === 0,
    `the spike posts were not all accepted: ${brief(result)}`);
  const created = await waitForCard(mark, agentsChannel.id, (c) => isHotTopicCard(c) && cardText(c).includes(PRODUCT_NAME),
    `hot-topic card for ${PRODUCT_NAME}`, ['createMessage']);
  const ask = findAction(created.card, 'topic.askExpert');
  check(/^T\d+$/.test(ask?.data?.topicId ?? ''), `the card's Ask action has no topic id: ${brief(ask)}`);
  check(ask.data.product === PRODUCT && ask.data.topicTitle, `the card's Ask action does not carry the product key and title: ${brief(ask.data)}`);
  check(ask.title === 'Ask an expert', `the Ask button of a topic without questions is "${ask.title}"`);
  seen.topic = { messageId: messageIdOf(created.message), card: created.card, ask };
});

run.test('an agent clicks the real card\'s Ask an expert: the pre-filled form, then Ask posts the question card', async () => {
  check(seen.topic, 'no hot-topic card was captured (the spike test failed)');
  // Bob clicks "Ask an expert" on the hot-topic card itself, with the card's own action data, in the card's thread.
  const bobThread = threadOf(seen.topic.messageId);
  let mark = pg.mark();
  await executeAsUser(bob, bobThread, seen.topic.messageId, 'topic.askExpert', seen.topic.ask.data);
  const form = await waitForCard(mark, bobThread, hasVerb('question.ask'), 'ask form (Action.Execute question.ask)');
  check(cardText(form.card).includes(seen.topic.ask.data.topicTitle),
    `the ask form is not pre-filled with the topic title "${seen.topic.ask.data.topicTitle}": ${brief(textsOf(form.card))}`);
  const productInput = inputOf(form.card, 'product');
  check(productInput?.value === PRODUCT, `the ask form does not pre-select ${PRODUCT}: ${brief(productInput)}`);
  const ask = findAction(form.card, 'question.ask');
  check(ask?.data?.topicId === seen.topic.ask.data.topicId, `the Ask action does not carry the topic id: ${brief(ask)}`);

  mark = pg.mark();
  const inputs = fillInputs(form.card, { product: PRODUCT, question: QUESTION });
  await executeAsUser(bob, bobThread, form.message.messageId, 'question.ask', { ...ask.data, ...inputs });
  const question = await waitForCard(mark, agentsChannel.id, (c) => hasVerb('question.refresh')(c) && cardText(c).includes(QUESTION),
    'question card (verb question.refresh, with the question text) as a new post in the product channel', ['createMessage']);
  check(cardText(question.card).includes(PRODUCT_NAME), `the question card does not name the product: ${brief(textsOf(question.card))}`);
  const mentioned = (question.card.msteams?.entities ?? []).filter((e) => e?.type === 'mention').map((e) => e.mentioned?.id);
  check(mentioned.includes(carol.aadObjectId) || mentioned.includes(carol.id),
    `the question card does not @mention the owner Carol Expert (mentions: ${brief(mentioned)})`);
  check(!verbsOf(question.card).includes('question.submitAnswer'),
    `the shared question card shows the answer form to everyone: ${brief(verbsOf(question.card))}`);
  await waitForCard(mark, bobThread, (c) => cardText(c).includes(QUESTION), 'acknowledgement card with the question in Bob\'s thread');
  seen.question = { messageId: question.message.messageId, card: question.card, bobThread };
  const topic = await waitForTopicCard(mark, (c) => /1 agent waiting/.test(cardText(c)), '"1 agent waiting"');
  check(findAction(topic.card, 'topic.askExpert')?.title === '+1 / join',
    `with an open question the card's Ask button is not "+1 / join": ${brief(findAction(topic.card, 'topic.askExpert'))}`);
});

run.test('a second agent asking the same by command joins the open question (+1)', async () => {
  check(seen.question, 'no question card was captured (the ask test failed)');
  const root = await pg.say(agentsChannel.id, admin.id, `Frank's customer has the same zebra locker problem (${RUN})`);
  const frankThread = threadOf(root.messageId);
  const mark = pg.mark();
  await pg.sayAsUser(frank, agentsChannel.id, root.messageId, `ask ${PRODUCT} ${QUESTION}`);
  await waitForText(mark, frankThread, /joined/i, 'reply saying Frank joined the open question');
  const updated = await waitForCard(mark, agentsChannel.id,
    (c) => hasVerb('question.refresh')(c) && cardText(c).includes(QUESTION) && /Frank Agent/.test(JSON.stringify(c)),
    'question card update listing Frank Agent as waiting', ['updateMessage']);
  check(/Bob Agent/.test(JSON.stringify(updated.card)), `the updated question card no longer lists Bob Agent: ${brief(textsOf(updated.card))}`);
  const created = pg.messagesSince(mark, agentsChannel.id)
    .filter((e) => e.action === 'createMessage' && cardsOf(e.message).some(hasVerb('question.refresh')));
  check(created.length === 0, `joining created a second question card: ${brief(created.map(summary))}`);
  seen.frankThread = frankThread;
  await waitForTopicCard(mark, (c) => /2 agents waiting/.test(cardText(c)), '"2 agents waiting"');
});

run.test('a non-owner refreshing the question card gets the status view, not the answer form', async () => {
  check(seen.question, 'no question card was captured (the ask test failed)');
  const refresh = findAction(seen.question.card, 'question.refresh');
  const result = await pg.execute({
    conversationId: threadOf(seen.question.messageId), fromId: admin.id, replyToId: seen.question.messageId,
    verb: 'question.refresh', data: refresh?.data,
  });
  check(result.status === 200 && result.json?.value?.type === 'AdaptiveCard',
    `the refresh by Alice (not an owner) did not return a card: HTTP ${result.status} ${brief(result.text)}`);
  check(cardText(result.json.value).includes(QUESTION), `the status view lost the question text: ${brief(textsOf(result.json.value))}`);
  check(!verbsOf(result.json.value).includes('question.submitAnswer'),
    `Alice, who is no owner, got the answer form: ${brief(verbsOf(result.json.value))}`);
});

run.test('the owner answers on the question card: the review card reaches the approvers channel', async () => {
  check(seen.question, 'no question card was captured (the ask test failed)');
  const questionId = findAction(seen.question.card, 'question.refresh')?.data?.questionId;
  check(questionId, `the question card's refresh action has no questionId: ${brief(findAction(seen.question.card, 'question.refresh'))}`);
  const mark = pg.mark();
  await executeAsUser(carol, threadOf(seen.question.messageId), seen.question.messageId, 'question.submitAnswer',
    { questionId, ...ANSWER, addToFaq: 'false' });
  const review = await waitForCard(mark, agentsChannel.id,
    (c) => hasVerb('answer.reviewRefresh')(c) && cardText(c).includes(ANSWER.customerReply),
    'answer review card (verb answer.reviewRefresh, with the customer reply) in the approvers channel', ['createMessage']);
  check(cardText(review.card).includes(QUESTION), `the review card does not show the question: ${brief(textsOf(review.card))}`);
  const question = await waitForCard(mark, agentsChannel.id,
    (c) => hasVerb('question.refresh')(c) && cardText(c).includes(QUESTION) && /review/i.test(cardText(c)),
    'question card update showing the answer in review', ['updateMessage']);
  check(!verbsOf(question.card).includes('question.submitAnswer'), 'the question card in review still offers the answer form');
  seen.review = { messageId: review.message.messageId, card: review.card };
});

run.test('the approver approves: the approved answer arrives in both agents\' threads', async () => {
  check(seen.review && seen.frankThread, 'no review card or second thread was captured (an earlier test failed)');
  const data = findAction(seen.review.card, 'answer.reviewRefresh')?.data;
  check(data?.answerId && data?.version, `the review card's refresh action has no answerId/version: ${brief(data)}`);
  const mark = pg.mark();
  await executeAsUser(dan, threadOf(seen.review.messageId), seen.review.messageId, 'answer.approve',
    { answerId: data.answerId, version: data.version });
  const isApproved = (c) => cardText(c).includes(ANSWER.customerReply) && hasVerb('answer.used')(c);
  for (const [who, thread] of [['Bob', seen.question.bobThread], ['Frank', seen.frankThread]]) {
    const delivered = await waitForCard(mark, thread, isApproved,
      `approved-answer card for ${who} (the approved customer reply and "I used this")`, ['createMessage']);
    check(cardText(delivered.card).includes(ANSWER.shortReply),
      `${who}'s approved-answer card lacks the short reply: ${brief(textsOf(delivered.card))}`);
  }
  const final = await waitForCard(mark, agentsChannel.id,
    (c) => hasVerb('question.refresh')(c) && cardText(c).includes(QUESTION) && /approved and delivered to 2 /i.test(cardText(c)),
    'question card update showing "Approved and delivered to 2 waiting agent(s)"', ['updateMessage']);
  check(!verbsOf(final.card).some((v) => v === 'question.submitAnswer' || v === 'question.join'),
    `the final question card still has buttons: ${brief(verbsOf(final.card))}`);
  const topic = await waitForTopicCard(mark,
    (c) => /Approved answer available/.test(cardText(c)) && cardText(c).includes(ANSWER.shortReply),
    '"Approved answer available" with the short reply');
  check(!/agents? waiting for the experts/.test(cardText(topic.card)), `the answered card still shows waiting agents: ${brief(textsOf(topic.card))}`);
  seen.send = findAction(topic.card, 'library.sendToMe');
  check(seen.send?.data?.answerId, `the answered card has no "Send me the answer" with an answer id: ${brief(verbsOf(topic.card))}`);
});

run.test('"Send me the answer" on the hot-topic card gives the agent the approved-answer card', async () => {
  check(seen.send, 'the answered hot-topic card was not captured (the approval test failed)');
  const mark = pg.mark();
  const result = await pg.execute({
    conversationId: threadOf(seen.topic.messageId), fromId: admin.id, replyToId: seen.topic.messageId,
    verb: 'library.sendToMe', data: seen.send.data,
  });
  check(result.status === 200 && result.json?.type === MESSAGE_TYPE && /personal chat/.test(result.json.value ?? ''),
    `"Send me the answer" did not confirm the personal message: HTTP ${result.status} ${brief(result.text)}`);
  await pg.waitFor(
    () => pg.messagesSince(mark).find((e) => e.action === 'createMessage'
      && cardsOf(e.message).some((c) => hasVerb('answer.used')(c) && cardText(c).includes(ANSWER.customerReply))),
    REPLY_TIMEOUT_MS,
    () => `no approved-answer card reached Alice within ${REPLY_TIMEOUT_MS} ms; bot output: ${brief(pg.messagesSince(mark).map(summary), 1500)}`);
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    const config = pg.config;
    admin = config.currentUser;
    const byName = (name) => config.users?.find((u) => u.name === name);
    [bob, carol, dan, frank] = ['Bob Agent', 'Carol Expert', 'Dan Approver', 'Frank Agent'].map(byName);
    agentsChannel = config.teams?.[0]?.channels?.find((c) => c.name === 'Agents');
    check(admin && bob && carol && dan && frank && agentsChannel,
      `e2e/playground.yml must define Alice (current user), Bob Agent, Carol Expert, Dan Approver, Frank Agent and the "Agents" channel: ${brief(config)}`);
    check(carol.aadObjectId === 'aaaaaaaa-0000-4000-8000-000000000003' && dan.aadObjectId === 'aaaaaaaa-0000-4000-8000-000000000004',
      'Carol\'s and Dan\'s aadObjectIds in e2e/playground.yml no longer match e2e/products.e2e.yaml');
    console.log(`# Playground ${PG_URL}: product ${PRODUCT}, owner ${carol.name}, approver ${dan.name}, run ${RUN}`);
  },
  after: async () => pg.close(),
});
