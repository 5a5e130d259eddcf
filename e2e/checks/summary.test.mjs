// Feature check (issue 7 §2): the leadership summary in the real Agents Playground. The admin links the "Agents" channel
// as the leadership channel, `summary` there posts the summary card into the channel (through the outbox), and
// Acknowledge (Action.Execute through the Playground) returns the card with the acknowledger's name and updates the
// posted card in place for everyone else. Run by run-e2e.sh with PG_URL.
import {
  CARD_TYPE, Playground, TestRun, brief, cardsOf, check, findAction, textsOf, verbsOf,
} from '../lib/harness.mjs';

const PG_URL = process.env.PG_URL;
if (!PG_URL || !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(PG_URL)) {
  console.error(`PG_URL must be a loopback http URL such as http://localhost:56150 (got ${PG_URL ?? 'nothing'})`);
  process.exit(2);
}
if (typeof WebSocket !== 'function') {
  console.error('No global WebSocket: run with node --experimental-websocket (Node 20) or Node 22+.');
  process.exit(2);
}

const REPLY_TIMEOUT_MS = Number(process.env.E2E_REPLY_TIMEOUT_MS ?? 30_000);
const pg = new Playground(PG_URL);
const run = new TestRun();
let admin, agentsChannel;
const seen = {};

const isSummaryCard = (card) => verbsOf(card).includes('summary.acknowledge');
const cardText = (card) => textsOf(card).join('\n').replace(/\\(.)/g, '$1');
const threadOf = (messageId) => `${agentsChannel.id};messageid=${messageId}`;
const describe = (events) => brief(events.map((e) => ({
  action: e.action, conversation: e.actionConversationId, text: e.message?.text, cards: cardsOf(e.message).map((c) => textsOf(c).slice(0, 3).join(' | ')),
})), 1500);

run.test('the admin links the Agents channel as the leadership channel', async () => {
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'link leadership', { mentionBot: true });
  const thread = posted.postConversationId ?? threadOf(posted.messageId);
  const reply = await pg.waitFor(() => pg.messagesSince(mark, thread)[0], REPLY_TIMEOUT_MS,
    () => `no answer to "link leadership" in ${thread}; bot output: ${describe(pg.messagesSince(mark))}`);
  const text = [reply.message?.text ?? '', ...cardsOf(reply.message).flatMap(textsOf)].join(' ');
  check(!/not allowed|only admins|unknown|don't know/i.test(text), `"link leadership" was refused: ${brief(text)}`);
});

run.test('"summary" in the leadership channel posts the summary card there', async () => {
  const mark = pg.mark();
  await pg.say(agentsChannel.id, admin.id, 'summary 24h', { mentionBot: true });
  const found = await pg.waitFor(
    () => pg.messagesSince(mark, agentsChannel.id).filter((e) => e.action === 'createMessage')
      .map((e) => ({ event: e, card: cardsOf(e.message).find(isSummaryCard) })).find((x) => x.card),
    REPLY_TIMEOUT_MS,
    () => `no summary card was posted in ${agentsChannel.id} within ${REPLY_TIMEOUT_MS} ms; bot output: ${describe(pg.messagesSince(mark))}`);
  const text = cardText(found.card);
  for (const part of ['Crisis summary', 'Last 24 hours', 'Questions', 'Customer first response', 'Top topics', 'Decisions needed', 'Acknowledged by', 'Nobody yet.']) {
    check(text.includes(part), `the summary card lacks "${part}": ${brief(textsOf(found.card))}`);
  }
  const data = findAction(found.card, 'summary.acknowledge')?.data;
  check(/^[0-9a-f]{32}$/.test(data?.summaryId ?? ''), `the Acknowledge action has no summary id: ${brief(data)}`);
  seen.summary = { messageId: found.event.message.messageId, card: found.card, data };
});

run.test('Acknowledge returns the card with the acknowledger\'s name and updates the posted card', async () => {
  check(seen.summary, 'no summary card was captured (the previous test failed)');
  const mark = pg.mark();
  const result = await pg.execute({
    conversationId: threadOf(seen.summary.messageId), fromId: admin.id, replyToId: seen.summary.messageId,
    verb: 'summary.acknowledge', data: seen.summary.data,
  });
  check(result.status === 200, `POST /_conversation/v1/invoke answered HTTP ${result.status}: ${brief(result.text)}`);
  check(result.json?.type === CARD_TYPE, `the invoke response type is ${result.json?.type}, expected ${CARD_TYPE}: ${brief(result.text)}`);
  const returned = cardText(result.json.value);
  check(returned.includes(admin.name) && !returned.includes('Nobody yet.'),
    `the returned card does not list ${admin.name} under "Acknowledged by": ${brief(textsOf(result.json.value))}`);
  const updated = await pg.waitFor(
    () => pg.messagesSince(mark, agentsChannel.id).filter((e) => e.action === 'updateMessage')
      .map((e) => cardsOf(e.message).find(isSummaryCard)).find((c) => c && cardText(c).includes(admin.name)),
    REPLY_TIMEOUT_MS,
    () => `the posted summary card was not updated with ${admin.name} within ${REPLY_TIMEOUT_MS} ms; bot output: ${describe(pg.messagesSince(mark))}`);
  check(verbsOf(updated).includes('summary.acknowledge'), `the updated card lost its Acknowledge button: ${brief(verbsOf(updated))}`);

  // A second click by the same person changes nothing: still listed once.
  const again = await pg.execute({
    conversationId: threadOf(seen.summary.messageId), fromId: admin.id, replyToId: seen.summary.messageId,
    verb: 'summary.acknowledge', data: seen.summary.data,
  });
  const twice = cardText(again.json?.value ?? {});
  check(twice.split(admin.name).length === 2, `${admin.name} is listed ${twice.split(admin.name).length - 1} times after a second click`);
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    const config = pg.config;
    admin = config.currentUser;
    agentsChannel = config.teams?.[0]?.channels?.find((c) => c.name === 'Agents');
    check(admin && agentsChannel, `e2e/playground.yml must define the current user and the "Agents" channel: ${brief(config)}`);
    console.log(`# Playground ${PG_URL}: leadership channel ${agentsChannel.id}`);
  },
  after: async () => pg.close(),
});
