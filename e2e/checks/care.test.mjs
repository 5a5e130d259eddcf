// Feature check (issue 7 §4): duty of care in the real Agents Playground. Erin Lead (Crisis:Leads) declares a crisis
// through the linked crisis channel (General). A spike posted to POST /api/posts makes the e2e-vouchers hot-topic card
// appear in the product channel (Agents); Bob Agent clicks its "Ask an expert" with the card's own data and asks, so he
// works on that topic. Then N abusive posts (run-e2e.sh sets DutyOfCare:Threshold to 3) arrive in the same topic: Bob
// privately gets the break prompt (its text and its three buttons are checked). A click on Bob's prompt by someone else
// is refused and nothing changes (no lead is told); Bob's own "Ask for a call" privately notifies the crisis lead, with
// his note. Erin's "crisis" card shows the team load totals, without names; Bob's "crisis" card (not a lead) has none.
// Finally the crisis is stood down so the other checks start without one. Clicks and messages by users other than the
// current one (Alice) go through "Mock an Activity". Run by run-e2e.sh with PG_URL, BOT_URL and E2E_INTAKE_SECRET.
import { readFileSync } from 'node:fs';
import {
  MESSAGE_TYPE, Playground, TestRun, brief, cardsOf, check, delay, findAction, postSignedPosts, textsOf, verbsOf,
} from '../lib/harness.mjs';
import { crisisHelpers } from '../lib/crisis.mjs';

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

const TIMEOUT_MS = Number(process.env.E2E_REPLY_TIMEOUT_MS ?? 30_000);
const QUIET_MS = 3_000;
// DutyOfCare:Threshold as run-e2e.sh sets it (N exposures within DutyOfCare:Window trigger the prompt).
const THRESHOLD = Number(process.env.E2E_CARE_THRESHOLD ?? 3);
const PRODUCT = 'e2e-vouchers';
const PRODUCT_NAME = 'E2E gift vouchers';
const SPIKE_FILE = new URL('../data/care-spike.jsonl', import.meta.url);
const RUN = Date.now().toString(36);
const CRISIS_NAME = `Walrus voucher outage ${RUN}`;
const QUESTION = `Why does the walrus voucher balance show zero for some customers, ref ${RUN}?`;
const NOTE = `Three customers in a row called me names about the walrus vouchers (${RUN}).`;
// Abusive posts in the same topic (same words as the spike, plus an insult from the abuse lexicon); ids unique per run.
const ABUSIVE = [
  'walrus voucher balance empty again, you useless idiots',
  'my walrus voucher balance is zero, pathetic crooks',
  'walrus voucher balance gone at checkout, you are all thieves',
  'walrus voucher balance still empty, bunch of muppets',
];

const pg = new Playground(PG_URL);
const run = new TestRun();
const h = crisisHelpers(pg, TIMEOUT_MS);
let admin, bob, erin, frank, general, agents;
const seen = {};

const isHotTopicCard = (card) => verbsOf(card).includes('topic.refresh') && verbsOf(card).includes('topic.askExpert');
const isBreakPrompt = (card) => ['duty.takeBreak', 'duty.requestSupport', 'duty.dismiss'].every((v) => verbsOf(card).includes(v));
const channelIds = () => new Set([general.id, agents.id]);
const inChannel = (conversationId) => [...channelIds()].some((id) => (conversationId ?? '').startsWith(id));

run.test('the admin links General as the crisis channel and Agents as the e2e-vouchers product channel', async () => {
  await h.link(general, admin, 'link crisis');
  await h.link(agents, admin, `link product ${PRODUCT}`);
});

run.test('the crisis lead declares a crisis for the product (linked crisis channel)', async () => {
  const root = await h.root(general, `Erin declares for the care check (${RUN})`);
  const mark = pg.mark();
  await pg.sayAsUser(erin, general.id, root.messageId, `declare crisis "${CRISIS_NAME}" ${PRODUCT}`);
  await h.waitForText(mark, h.threadOf(general, root.messageId), /declared \(#\d+\)/, 'confirmation of the declaration');
  await h.waitForCard(mark, general.id, (c) => h.isCrisisCard(c) && h.text(c).includes(CRISIS_NAME), 'crisis card in General', ['createMessage']);
  seen.erinRoot = root;
});

run.test('a spike posted through POST /api/posts makes the real hot-topic card appear in the product channel', async () => {
  const lines = readFileSync(SPIKE_FILE, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const mark = pg.mark();
  const result = await postSignedPosts(BOT_URL, SECRET, lines);
  check(result.accepted + result.duplicates === lines.length && result.rejected.length === 0, `the spike posts were not all accepted: ${brief(result)}`);
  const created = await h.waitForCard(mark, agents.id, (c) => isHotTopicCard(c) && h.text(c).includes(PRODUCT_NAME),
    `hot-topic card for ${PRODUCT_NAME}`, ['createMessage']);
  const ask = findAction(created.card, 'topic.askExpert');
  check(/^T\d+$/.test(ask?.data?.topicId ?? '') && ask.data.product === PRODUCT, `the card's Ask action has no topic id or product: ${brief(ask)}`);
  // While a crisis covers the product, its hot-topic cards also go to the crisis channel (README "Hot-topic cards").
  await h.waitForCard(mark, general.id, (c) => isHotTopicCard(c) && findAction(c, 'topic.askExpert')?.data?.topicId === ask.data.topicId,
    `the same topic's card in the crisis channel (${general.name})`, ['createMessage']);
  seen.topic = { messageId: h.messageIdOf(created.message), ask };
  seen.lastSpikeAt = Date.parse(JSON.parse(lines.at(-1)).createdAt);
});

run.test('an agent asks an expert from the real card, so he works on the topic', async () => {
  check(seen.topic, 'no hot-topic card was captured (the spike test failed)');
  const thread = h.threadOf(agents, seen.topic.messageId);
  let mark = pg.mark();
  await pg.clickAs(bob, thread, seen.topic.messageId, 'topic.askExpert', seen.topic.ask.data);
  const form = await h.waitForCard(mark, thread, (c) => verbsOf(c).includes('question.ask'), 'ask form (question.ask) in Bob\'s thread');
  const ask = findAction(form.card, 'question.ask');
  check(ask?.data?.topicId === seen.topic.ask.data.topicId, `the ask form does not carry the topic id: ${brief(ask)}`);
  mark = pg.mark();
  await pg.clickAs(bob, thread, h.messageIdOf(form.message), 'question.ask',
    { ...ask.data, ...h.inputs(form.card, { product: PRODUCT, question: QUESTION }) });
  await h.waitForCard(mark, agents.id, (c) => verbsOf(c).includes('question.refresh') && h.text(c).includes(QUESTION),
    'question card in the product channel', ['createMessage']);
  // Bob's ask is recorded with the topic: the hot-topic card counts him as waiting.
  await h.waitForCardUpdate(mark, agents, seen.topic.messageId, (c) => /1 agent waiting/.test(h.text(c)), '"1 agent waiting"');
});

run.test(`${THRESHOLD} abusive posts in that topic: the agent privately gets the break prompt`, async () => {
  check(seen.topic, 'no hot-topic card was captured (the spike test failed)');
  const mark = pg.mark();
  // One abusive post below the threshold first: no prompt yet.
  const post = (i) => JSON.stringify({
    id: `e2e-care-abuse-${RUN}-${i + 1}`, source: 'twitter',
    author: { handle: `@e2ewa${i}`, name: `E2E angry voucher user ${i}`, followers: 50 + i },
    text: ABUSIVE[i % ABUSIVE.length],
    createdAt: new Date(seen.lastSpikeAt + (i + 1) * 30_000).toISOString(),
  });
  let result = await postSignedPosts(BOT_URL, SECRET, [post(0)]);
  check(result.accepted === 1, `the first abusive post was not accepted: ${brief(result)}`);
  await delay(QUIET_MS);
  const early = h.sentSince(mark, (a) => cardsOf(a).some(isBreakPrompt));
  check(early.length === 0, `a break prompt was sent after 1 abusive post (threshold ${THRESHOLD})`);

  result = await postSignedPosts(BOT_URL, SECRET, Array.from({ length: THRESHOLD - 1 }, (_, i) => post(i + 1)));
  check(result.accepted === THRESHOLD - 1 && result.rejected.length === 0, `the abusive posts were not all accepted: ${brief(result)}`);
  // Sent to Bob in a 1:1 chat the bot opens (the Playground keeps other users' chats out of its UI and WebSocket, so the
  // card is read from its log of the bot's Connector calls).
  const prompt = await h.waitForSent(mark, (a) => cardsOf(a).some(isBreakPrompt), 'break-prompt card (duty.takeBreak/requestSupport/dismiss)');
  check(prompt.statusCode === 201 && prompt.messageId, `the Playground did not accept the break prompt: ${brief(prompt.entry.response)}`);
  const chat = h.chatWith(mark, bob);
  check(chat?.id && !chat.isGroup && chat.members.length === 1,
    `the break prompt was not sent in a new 1:1 chat with Bob: ${brief(chat ?? pg.logsSince(mark).filter((l) => l.activityName === 'createConversation').map((l) => l.request?.body))}`);
  const card = cardsOf(prompt.activity).find(isBreakPrompt);
  const text = h.text(card);
  for (const part of ['Time for a break, Bob Agent?', 'You have been on shift for',
    `${THRESHOLD} posts in the topics you are working on contained abuse`, 'It is not about you',
    'Talking to Erin Lead is always fine']) {
    check(text.includes(part), `the break prompt lacks "${part}": ${brief(textsOf(card))}`);
  }
  const buttons = {
    takeBreak: findAction(card, 'duty.takeBreak'),
    support: findAction(card, 'duty.requestSupport'),
    dismiss: findAction(card, 'duty.dismiss'),
  };
  check(buttons.takeBreak.title === 'Take 15 minutes' && buttons.support.title === 'Ask for a call' && buttons.dismiss.title === 'Not now',
    `the prompt's buttons are not "Take 15 minutes", "Ask for a call", "Not now": ${brief(Object.values(buttons).map((b) => b?.title))}`);
  check(/Talk to Erin Lead/.test(JSON.stringify(card)), 'the prompt has no "Talk to Erin Lead" part around "Ask for a call"');
  const promptId = buttons.support.data?.promptId;
  check(/^[0-9a-f]{32}$/.test(promptId ?? '') && buttons.takeBreak.data?.promptId === promptId,
    `the buttons do not carry the prompt id: ${brief(Object.values(buttons).map((b) => b?.data))}`);
  check(!/Frank|Alice|Carol/.test(text), `the prompt names other people: ${brief(textsOf(card))}`);
  const inChannels = pg.messagesSince(mark).filter((e) => inChannel(e.actionConversationId) && cardsOf(e.message).some(isBreakPrompt));
  check(inChannels.length === 0, `the break prompt was (also) posted in a channel: ${brief(inChannels.map(h.summary))}`);
  seen.prompt = { conversation: chat.id, messageId: prompt.messageId, card, buttons };
  await delay(QUIET_MS);
  const prompts = h.sentSince(mark, (a) => cardsOf(a).some(isBreakPrompt));
  check(prompts.length === 1, `${prompts.length} break prompts were sent for one crossing of the threshold`);
});

run.test('a click on the prompt by someone else is refused, and nothing changes (no lead is told)', async () => {
  check(seen.prompt, 'no break prompt was captured (the previous test failed)');
  // Nobody else is in Bob's 1:1 chat (the Playground refuses invokes there from non-members, as Teams would), so the
  // others send the prompt's own action data from a channel thread, as a forwarded or replayed copy of the card would.
  const root = await h.root(general, `Frank found a copy of a check-in card (${RUN})`);
  const mark = pg.mark();
  const result = await pg.clickAs(frank, root.thread, root.messageId, 'duty.requestSupport',
    { ...seen.prompt.buttons.support.data, supportNote: 'not my prompt' });
  check(result.response?.type === MESSAGE_TYPE && /sent to someone else/.test(result.response.value ?? '') && /Nothing was recorded/.test(result.response.value ?? ''),
    `Frank's click on Bob's prompt was not refused: ${brief(result.response ?? result.text)}`);
  // The admin (an admin, but not the prompted agent) is refused the same way.
  const byAdmin = await pg.clickAs(admin, root.thread, root.messageId, 'duty.takeBreak', seen.prompt.buttons.takeBreak.data);
  check(byAdmin.response?.type === MESSAGE_TYPE && /sent to someone else/.test(byAdmin.response.value ?? ''),
    `Alice's click on Bob's prompt was not refused: ${brief(byAdmin.response ?? byAdmin.text)}`);
  await delay(QUIET_MS);
  const told = h.sentSince(mark, (a) => /would like a call/.test(a.text ?? ''));
  check(told.length === 0, `a lead was told after a refused click: ${brief(told.map((l) => l.request.body.text))}`);
});

run.test('"Ask for a call" by the agent privately notifies the crisis lead, with his note', async () => {
  check(seen.prompt, 'no break prompt was captured (the prompt test failed)');
  const mark = pg.mark();
  const result = await pg.clickAs(bob, seen.prompt.conversation, seen.prompt.messageId, 'duty.requestSupport',
    { ...seen.prompt.buttons.support.data, ...h.inputs(seen.prompt.card, { supportNote: NOTE }) });
  check(result.response?.type === MESSAGE_TYPE && /Erin Lead will get in touch with you/.test(result.response.value ?? '')
    && /Only they were told/.test(result.response.value ?? ''),
    `Bob's "Ask for a call" was not confirmed: ${brief(result.response ?? result.text)}`);
  const sent = await h.waitForSent(mark, (a) => /Bob Agent would like a call/.test(a.text ?? ''), '"Bob Agent would like a call" message');
  check(sent.activity.text.includes(`Their note: ${NOTE}`), `the lead's message lacks Bob's note: ${brief(sent.activity.text)}`);
  const chat = h.chatWith(mark, erin);
  check(chat?.id && !chat.isGroup && chat.members.length === 1 && chat.members[0] === erin.id,
    `the lead was not told in a 1:1 chat with Erin: ${brief(chat ?? pg.logsSince(mark).filter((l) => l.activityName === 'createConversation').map((l) => l.request?.body))}`);
  const public_ = pg.messagesSince(mark).filter((e) => /would like a call/.test(h.visible(e.message)));
  check(public_.length === 0, `the request was shown in a visible conversation: ${brief(public_.map(h.summary))}`);
  await delay(QUIET_MS);
  const all = h.sentSince(mark, (a) => /would like a call/.test(a.text ?? ''));
  check(all.length === 1, `${all.length} messages about the call were sent; only the one lead should be told`);
});

run.test('the lead\'s "crisis" card shows the team load totals (no names); a non-lead\'s has none', async () => {
  const shown = await h.show(general, erin, 'Erin shows the crisis');
  const card = cardsOf(shown.message).find(h.isCrisisCard);
  check(card, `Erin's "crisis" did not return the crisis card: ${brief(h.visible(shown.message))}`);
  const load = h.facts(card)['Team load'];
  check(load === `1 agent on topics, 1 exposed to ${THRESHOLD} abusive posts, 1 break prompt sent`,
    `the lead's team load is not "1 agent on topics, 1 exposed to ${THRESHOLD} abusive posts, 1 break prompt sent": ${brief(load)}; facts ${brief(h.facts(card))}`);
  check(!/Bob/.test(load), `the team load names the agent although naming is off: ${brief(load)}`);
  const byBob = await h.show(general, bob, 'Bob shows the crisis');
  const bobCard = cardsOf(byBob.message).find(h.isCrisisCard);
  check(bobCard && h.text(bobCard).includes(CRISIS_NAME), `Bob's "crisis" did not return the crisis card: ${brief(h.visible(byBob.message))}`);
  check(h.facts(bobCard)['Team load'] === undefined, `a non-lead sees the team load: ${brief(h.facts(bobCard))}`);
});

run.test('the crisis is stood down again (the other checks start without one)', async () => {
  check(await h.standDownIfActive(general, admin, `end of the care check ${RUN}`), 'no crisis was active at the end of the care check');
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    ({ admin, bob, erin, frank, general, agents } = h.people());
    await h.standDownIfActive(general, admin, `left over before care check ${RUN}`);
    console.log(`# Playground ${PG_URL}: product ${PRODUCT}, agent ${bob.name}, lead ${erin.name}, threshold ${THRESHOLD}, run ${RUN}`);
  },
  after: async () => {
    try {
      await h.standDownIfActive(general, admin, `clean-up after care check ${RUN}`);
    } finally {
      pg.close();
    }
  },
});
