// Feature check (issue 7 §3, §5): crisis mode in the real Agents Playground, as the people in Teams see it. No Graph
// here, so the bot takes the linked-channel path: the admin links General as the crisis channel (and Agents as the
// leadership channel). A non-lead's "declare crisis" is refused and nothing is declared; Erin Lead (Crisis:Leads, set by
// run-e2e.sh) declares a crisis for the e2e-ferries product, the crisis card appears in General (a new post, not a reply),
// with her as lead and the crisis SLA. Roles: she makes Carol comms and Dan approver (the card is updated in place); a
// non-lead's role change is refused and the card stays as it is. Decisions: "decide" posts the decisions card; "Mark
// decided" by a non-lead is refused and the decision stays open, by the lead it returns the card with the decision
// decided. A status update is recorded on command ("crisis update"; the cadence timer's shortest interval is one hour).
// Posts replayed through signed POST /api/posts while the crisis is active are counted in the stand-down report: the
// report replaces the crisis card in General and is posted in the leadership channel, with the exact post count this
// check fed in, the decision and the status update in its timeline, and the lessons. Run by run-e2e.sh with PG_URL,
// BOT_URL and E2E_INTAKE_SECRET.
import {
  CARD_TYPE, MESSAGE_TYPE, Playground, TestRun, brief, cardsOf, check, delay, findAction, postSignedPosts, textsOf, verbsOf,
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
// How long "nothing happened" is watched after a refusal (the outbox would deliver a change within a second or two).
const QUIET_MS = 3_000;
const PRODUCT = 'e2e-ferries';
const PRODUCT_NAME = 'E2E island ferries';
const RUN = Date.now().toString(36);
const CRISIS_NAME = `Puffin ferry storm ${RUN}`;
const DECISION = `Refund every puffin ferry ticket of the storm week (${RUN})?`;
const STATUS = `Harbour closed until 18:00, refunds approved, next update at 16:00 (${RUN})`;
const REASON = `The storm passed and ferries sail again (${RUN})`;
const LESSONS = `Link the crisis channel before the season\nPre-approve refund wording (${RUN})`;
// Posts fed in while the crisis is active (createdAt = now, inside the crisis window); the report must count exactly these.
const POSTS = 7;

const pg = new Playground(PG_URL);
const run = new TestRun();
const h = crisisHelpers(pg, TIMEOUT_MS);
let admin, bob, carol, dan, erin, frank, general, agents;
const seen = {};

run.test('the admin links General as the crisis channel and Agents as the leadership channel', async () => {
  await h.link(general, admin, 'link crisis');
  await h.link(agents, admin, 'link leadership');
});

run.test('a non-lead\'s "declare crisis" is refused and nothing is declared', async () => {
  const root = await h.root(general, `Bob tries to declare (${RUN})`);
  const mark = pg.mark();
  await pg.sayAsUser(bob, general.id, root.messageId, `declare crisis "${CRISIS_NAME}" ${PRODUCT}`);
  const reply = await h.waitForText(mark, h.threadOf(general, root.messageId), /can't declare a crisis/i, 'refusal of Bob\'s declaration');
  check(/Only crisis leads/.test(h.visible(reply.message)), `the refusal does not say who may declare: ${brief(h.visible(reply.message))}`);
  await delay(QUIET_MS);
  const cards = pg.messagesSince(mark, general.id).filter((e) => cardsOf(e.message).some(h.isCrisisCard));
  check(cards.length === 0, `a refused declaration still posted a crisis card: ${brief(cards.map(h.summary))}`);
  const state = await h.show(general, bob, 'Bob checks the crisis state');
  check(/No crisis is active/.test(h.visible(state.message)), `after the refusal a crisis is active: ${brief(h.visible(state.message))}`);
});

run.test('the crisis lead declares: the crisis card appears in the linked crisis channel (no Graph)', async () => {
  const root = await h.root(general, `Erin declares (${RUN})`);
  const thread = h.threadOf(general, root.messageId);
  const mark = pg.mark();
  await pg.sayAsUser(erin, general.id, root.messageId, `declare crisis "${CRISIS_NAME}" ${PRODUCT}`);
  const reply = await h.waitForText(mark, thread, /declared \(#\d+\)/, 'confirmation of the declaration');
  const text = h.visible(reply.message);
  check(text.includes(`Crisis '${CRISIS_NAME}' declared`), `the confirmation does not name the crisis: ${brief(text)}`);
  check(/linked crisis channel/.test(text) && /needs Graph/.test(text),
    `the confirmation does not say the linked channel is used because Graph is not configured: ${brief(text)}`);
  check(/status update every 4 h/.test(text), `the confirmation does not give the status-update cadence: ${brief(text)}`);
  seen.crisisNumber = /declared \(#(\d+)\)/.exec(text)[1];

  // The card is a new post at the root of General (ChannelPost through the outbox), not a reply in Erin's thread.
  const posted = await h.waitForCard(mark, general.id, (c) => h.isCrisisCard(c) && h.text(c).includes(CRISIS_NAME),
    'crisis card (crisis.refresh, with the crisis name) as a new post in General', ['createMessage']);
  const card = h.text(posted.card);
  for (const part of ['Crisis declared', 'Erin Lead', PRODUCT_NAME, 'Expert answers due within', '20 min', 'every 4 h',
    `${PRODUCT_NAME}: expert answers due within 20 min (normally 90 min)`]) {
    check(card.includes(part), `the crisis card lacks "${part}": ${brief(textsOf(posted.card))}`);
  }
  check(findAction(posted.card, 'crisis.refresh')?.data?.crisisId === seen.crisisNumber,
    `the card's refresh action is not for crisis #${seen.crisisNumber}: ${brief(findAction(posted.card, 'crisis.refresh'))}`);
  check(verbsOf(posted.card).includes('crisis.standDown'), `the crisis card has no Stand down: ${brief(verbsOf(posted.card))}`);
  check(pg.messagesSince(mark, thread).every((e) => !cardsOf(e.message).some(h.isCrisisCard)),
    'the crisis card was (also) posted as a reply in the declaring thread');
  seen.card = { messageId: h.messageIdOf(posted.message), card: posted.card };
  seen.erinRoot = root;
  seen.declareMark = mark;
  seen.declaredBy = Date.now(); // the bot stamped the declaration before it answered
});

run.test('the lead assigns comms and approver: the crisis card is updated in place', async () => {
  check(seen.card, 'no crisis card was captured (the declaration test failed)');
  const thread = h.threadOf(general, seen.erinRoot.messageId);
  for (const [role, person, line] of [['comms', carol, 'Comms: Carol Expert'], ['approver', dan, 'Crisis approvers: Dan Approver']]) {
    const mark = pg.mark();
    await pg.sayAsUser(erin, general.id, seen.erinRoot.messageId, `crisis role ${role}`, { mentions: [person] });
    await h.waitForText(mark, thread, new RegExp(`${person.name} is now crisis ${role}`), `confirmation of ${person.name} as ${role}`);
    const updated = await h.waitForCardUpdate(mark, general, seen.card.messageId, (c) => h.text(c).includes(line), `"${line}"`);
    check(h.text(updated.card).includes(CRISIS_NAME), `the updated crisis card lost the crisis name: ${brief(textsOf(updated.card))}`);
    seen.card.card = updated.card;
  }
  const created = pg.messagesSince(seen.declareMark, general.id)
    .filter((e) => e.action === 'createMessage' && cardsOf(e.message).some(h.isCrisisCard));
  check(created.length === 1, `role changes posted ${created.length - 1} extra crisis card(s) instead of updating the first`);
});

run.test('a non-lead\'s role change is refused and the crisis card stays as it is', async () => {
  check(seen.card, 'no crisis card was captured (the declaration test failed)');
  const root = await h.root(general, `Bob tries to change roles (${RUN})`);
  const mark = pg.mark();
  await pg.sayAsUser(bob, general.id, root.messageId, 'crisis role lead', { mentions: [frank] });
  const reply = await h.waitForText(mark, h.threadOf(general, root.messageId), /can't assign crisis roles/i, 'refusal of Bob\'s role change');
  check(!/is now crisis/.test(h.visible(reply.message)), `Bob's role change was accepted: ${brief(h.visible(reply.message))}`);
  await delay(QUIET_MS);
  const updates = pg.messagesSince(mark, general.id).filter((e) => h.messageIdOf(e.message) === seen.card.messageId);
  check(updates.length === 0, `the crisis card changed after a refused role change: ${brief(updates.map(h.summary))}`);
  const shown = await h.show(general, erin, 'Erin shows the crisis');
  const card = cardsOf(shown.message).find(h.isCrisisCard);
  check(card && !h.text(card).includes('Frank Agent') && h.text(card).includes('Comms: Carol Expert'),
    `after the refused change the crisis card is not the one with Carol as comms and without Frank: ${brief(card && textsOf(card))}`);
});

run.test('a decision is raised; "Mark decided" by a non-lead is refused and changes nothing; by the lead it is decided', async () => {
  const thread = h.threadOf(general, seen.erinRoot.messageId);
  let mark = pg.mark();
  await pg.sayAsUser(erin, general.id, seen.erinRoot.messageId, `decide ${DECISION}`);
  const raised = await h.waitForCard(mark, thread, (c) => verbsOf(c).includes('decision.resolve') && h.text(c).includes(DECISION),
    'decisions card with the new item and "Mark decided"');
  // The reply's text and card arrive as two messages in the Playground (it splits text from attachments).
  await h.waitForText(mark, thread, /Decision needed #\d+ recorded/, 'confirmation text of the decision');
  check(h.text(raised.card).includes(`Crisis: ${CRISIS_NAME}`) && h.text(raised.card).includes('Raised by Erin Lead'),
    `the decisions card does not show the crisis and who raised it: ${brief(textsOf(raised.card))}`);
  const resolve = h.actionFor(raised.card, 'decision.resolve', DECISION);
  check(/^\d+$/.test(resolve?.data?.decisionId ?? ''), `"Mark decided" carries no decision id: ${brief(resolve)}`);
  const replyToId = h.messageIdOf(raised.message);

  // Bob (no crisis role) clicks "Mark decided": refused, and the decision stays open.
  const refused = await pg.clickAs(bob, thread, replyToId, 'decision.resolve', resolve.data);
  check(refused.response?.type === MESSAGE_TYPE && /Only crisis leads and admins can mark a decision/.test(refused.response.value ?? ''),
    `Bob's click was not refused with a message: ${brief(refused.response ?? refused.text)}`);
  mark = pg.mark();
  const asked = await pg.say(general.id, admin.id, 'decisions', { mentionBot: true });
  const list = await h.waitForCard(mark, asked.postConversationId ?? h.threadOf(general, asked.messageId), (c) => h.text(c).includes('Decisions needed'), 'decisions card');
  check(findAction(list.card, 'decision.resolve') && h.actionFor(list.card, 'decision.resolve', DECISION)?.data?.decisionId === resolve.data.decisionId,
    `after Bob's refused click the decision is no longer open: ${brief(textsOf(list.card))}`);
  check(!/decided by Bob/.test(h.text(list.card)), `the decision shows as decided by Bob: ${brief(textsOf(list.card))}`);

  // Erin (the crisis lead) clicks it: the card comes back with the item under "Recently decided", by her.
  const decided = await pg.clickAs(erin, thread, replyToId, 'decision.resolve', resolve.data);
  check(decided.response?.type === CARD_TYPE, `Erin's click did not return the updated card: ${brief(decided.response ?? decided.text)}`);
  const after = h.text(decided.response.value);
  check(after.includes('Recently decided') && after.includes(`${DECISION} · decided by Erin Lead`),
    `the returned card does not show the decision as decided by Erin Lead: ${brief(textsOf(decided.response.value))}`);
  check(!h.actionFor(decided.response.value, 'decision.resolve', DECISION), 'the decided item still offers "Mark decided"');
});

run.test('the lead posts a status update on command; a non-lead cannot', async () => {
  const thread = h.threadOf(general, seen.erinRoot.messageId);
  let mark = pg.mark();
  await pg.sayAsUser(erin, general.id, seen.erinRoot.messageId, `crisis update ${STATUS}`);
  await h.waitForText(mark, thread, /Status update recorded/, 'confirmation of the status update');
  const root = await h.root(general, `Bob tries a status update (${RUN})`);
  mark = pg.mark();
  await pg.sayAsUser(bob, general.id, root.messageId, 'crisis update all good, stand down soon');
  await h.waitForText(mark, h.threadOf(general, root.messageId), /can't post status updates/i, 'refusal of Bob\'s status update');
});

run.test(`${POSTS} posts replayed through signed POST /api/posts during the crisis are accepted`, async () => {
  check(seen.declaredBy, 'the crisis was not declared (the declaration test failed)');
  // Event times spread between the declaration and now: inside the crisis window, never in the future.
  const now = Date.now();
  const at = (i) => Math.round(seen.declaredBy + ((now - seen.declaredBy) * (i + 1)) / (POSTS + 1));
  const lines = Array.from({ length: POSTS }, (_, i) => JSON.stringify({
    id: `e2e-crisis-${RUN}-${i + 1}`,
    source: 'twitter',
    author: { handle: `@e2ep${i}`, name: `E2E ferry user ${i}`, followers: 400 + i },
    text: [`puffin ferry cancelled again, stuck at the harbour with my kids (${i})`,
      `no puffin ferry today, when is the next sailing? (${i})`,
      `puffin ferry storm: is my ticket refunded? (${i})`][i % 3],
    createdAt: new Date(at(i)).toISOString(),
  }));
  const result = await postSignedPosts(BOT_URL, SECRET, lines);
  check(result.accepted === POSTS && result.duplicates === 0 && result.rejected.length === 0,
    `the ${POSTS} posts were not all accepted as new: ${brief(result)}`);
  seen.posts = POSTS;
});

run.test('stand-down replaces the crisis card with the report (real numbers) and posts it to leadership', async () => {
  check(seen.card, 'no crisis card was captured (the declaration test failed)');
  const thread = h.threadOf(general, seen.erinRoot.messageId);
  let mark = pg.mark();
  await pg.sayAsUser(erin, general.id, seen.erinRoot.messageId, 'stand down');
  const form = await h.waitForCard(mark, thread, (c) => verbsOf(c).includes('crisis.standDown'), 'stand-down form');
  check(h.text(form.card).includes(CRISIS_NAME), `the stand-down form does not name the crisis: ${brief(textsOf(form.card))}`);
  const action = findAction(form.card, 'crisis.standDown');
  check(action?.data?.crisisId === seen.crisisNumber, `the form's action is not for crisis #${seen.crisisNumber}: ${brief(action)}`);
  // A click without a reason is refused and the crisis stays active.
  const empty = await pg.clickAs(erin, thread, h.messageIdOf(form.message), 'crisis.standDown', { ...action.data, standDownReason: '' });
  check(empty.response?.type === MESSAGE_TYPE && /reason/i.test(empty.response.value ?? ''),
    `a stand-down without a reason was not refused: ${brief(empty.response ?? empty.text)}`);

  mark = pg.mark();
  const done = await pg.clickAs(erin, thread, h.messageIdOf(form.message), 'crisis.standDown',
    { ...action.data, ...h.inputs(form.card, { standDownReason: REASON, lessons: LESSONS }) });
  check(done.response?.type === CARD_TYPE && h.text(done.response.value).includes('Crisis stood down'),
    `the stand-down click did not return the report card: ${brief(done.response ?? done.text)}`);

  const report = await h.waitForCardUpdate(mark, general, seen.card.messageId, (c) => h.text(c).includes('Crisis stood down'),
    'the stand-down report in place of the crisis card');
  const text = h.text(report.card);
  const facts = h.facts(report.card);
  check(new RegExp(`^${seen.posts} \\(peak \\d+ in one hour\\)$`).test(facts.Posts ?? ''),
    `the report does not count the ${seen.posts} posts fed in during the crisis: Posts = ${brief(facts.Posts)}; facts ${brief(facts)}`);
  check(Number(facts['Hot topics']) >= 1, `the report shows no hot topic for the posts: ${brief(facts)}`);
  check(facts.Questions === 'no questions yet', `the report invents questions: ${brief(facts)}`);
  for (const part of [CRISIS_NAME, `Why:** ${REASON}`, 'stood down by Erin Lead', 'Crisis declared by Erin Lead',
    `Decision needed (Erin Lead): ${DECISION}`, `Decided (Erin Lead): ${DECISION}`, `Status update (Erin Lead): ${STATUS}`,
    'Stood down by Erin Lead', 'Highlights and lessons', '• Link the crisis channel before the season', `• Pre-approve refund wording (${RUN})`]) {
    check(text.includes(part), `the report lacks "${part}": ${brief(textsOf(report.card), 2000)}`);
  }
  check(!verbsOf(report.card).includes('crisis.standDown'), 'the report still offers Stand down');
  const leadership = await h.waitForCard(mark, agents.id, (c) => h.text(c).includes('Crisis stood down') && h.text(c).includes(CRISIS_NAME),
    'the report posted in the leadership channel', ['createMessage']);
  check(h.facts(leadership.card).Posts === facts.Posts, `the leadership copy shows other numbers: ${brief(h.facts(leadership.card))}`);
});

run.test('after the stand-down no crisis is active and a second stand-down is refused', async () => {
  const state = await h.show(general, erin, 'Erin checks the crisis state');
  check(/No crisis is active/.test(h.visible(state.message)), `a crisis is still active: ${brief(h.visible(state.message))}`);
  const root = await h.root(general, `Erin stands down again (${RUN})`);
  const mark = pg.mark();
  await pg.sayAsUser(erin, general.id, root.messageId, 'stand down');
  await h.waitForText(mark, h.threadOf(general, root.messageId), /No active crisis/, 'refusal of a second stand-down');
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    ({ admin, bob, carol, dan, erin, frank, general, agents } = h.people());
    // Independent of other checks: a crisis left active by an earlier, failed check is stood down first.
    await h.standDownIfActive(general, admin, `left over before crisis check ${RUN}`);
    console.log(`# Playground ${PG_URL}: crisis channel ${general.id}, leadership ${agents.id}, lead ${erin.name}, run ${RUN}`);
  },
  after: async () => {
    try {
      await h.standDownIfActive(general, admin, `clean-up after crisis check ${RUN}`);
    } finally {
      pg.close();
    }
  },
});
