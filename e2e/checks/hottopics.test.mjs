// Feature check (issue 5): a small spike posted to POST /api/posts makes ONE hot-topic card appear in the product's
// channel in the real Agents Playground, and more posts then update that same card in place (same activity id, new
// content). Run by run-e2e.sh with PG_URL, BOT_URL and E2E_INTAKE_SECRET (the bot's Intake:Secrets:0); the bot runs with
// TopicCards:UpdateInterval shortened so the in-place update comes within seconds.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Playground, TestRun, brief, cardsOf, check, delay, textsOf, verbsOf } from '../lib/harness.mjs';

const PG_URL = process.env.PG_URL;
const BOT_URL = process.env.BOT_URL ?? 'http://127.0.0.1:3978';
const SECRET = process.env.E2E_INTAKE_SECRET;
const loopback = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;
if (!PG_URL || !loopback.test(PG_URL) || !loopback.test(BOT_URL)) {
  console.error(`PG_URL and BOT_URL must be loopback http URLs (got ${PG_URL ?? 'nothing'}, ${BOT_URL})`);
  process.exit(2);
}
if (!SECRET) {
  console.error('E2E_INTAKE_SECRET must be the bot\'s Intake:Secrets:0 (run-e2e.sh sets both).');
  process.exit(2);
}

const CARD_TIMEOUT_MS = Number(process.env.E2E_CARD_TIMEOUT_MS ?? 30_000);
const SPIKE_FILE = new URL('../data/hottopics-spike.jsonl', import.meta.url);
// The first 9 posts cross the spike threshold (the 9th fires the alarm); the rest arrive later and update the card.
const FIRST_BATCH = 9;

const pg = new Playground(PG_URL);
const run = new TestRun();
let admin, agentsChannel;
const seen = {};

/** POST /api/posts with the HMAC-SHA256 signature over `timestamp + "." + body`. */
async function postPosts(lines) {
  const body = `${lines.join('\n')}\n`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(`${BOT_URL}/api/posts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-ndjson',
      'X-CrisisBot-Timestamp': timestamp,
      'X-CrisisBot-Signature': `sha256=${signature}`,
    },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  check(response.status === 202, `POST /api/posts answered ${response.status}: ${brief(text)}`);
  return JSON.parse(text);
}

const isHotTopicCard = (card) => verbsOf(card).includes('topic.refresh') && verbsOf(card).includes('topic.askExpert');
const hotTopicMessages = (mark, action) => pg.messagesSince(mark, agentsChannel.id)
  .filter((m) => m.action === action && cardsOf(m.message).some(isHotTopicCard));

run.test('the admin links the Agents channel as the mail-parcels product channel', async () => {
  const mark = pg.mark();
  const posted = await pg.say(agentsChannel.id, admin.id, 'link product mail-parcels', { mentionBot: true });
  const thread = posted.postConversationId ?? `${agentsChannel.id};messageid=${posted.messageId}`;
  await pg.waitFor(() => pg.messagesSince(mark, thread)[0], CARD_TIMEOUT_MS,
    () => `no confirmation of "link product mail-parcels" in ${thread}: ${brief(pg.messagesSince(mark))}`);
  await delay(500);
});

run.test('a small spike posts one hot-topic card into the product channel', async () => {
  const lines = readFileSync(SPIKE_FILE, 'utf8').split('\n').filter((l) => l.trim() !== '');
  check(lines.length > FIRST_BATCH, `${SPIKE_FILE.pathname} has only ${lines.length} posts`);
  seen.rest = lines.slice(FIRST_BATCH);
  const mark = pg.mark();
  seen.mark = mark;
  const result = await postPosts(lines.slice(0, FIRST_BATCH));
  check(result.accepted + result.duplicates === FIRST_BATCH && result.rejected.length === 0,
    `the spike posts were not all accepted: ${brief(result)}`);
  const created = await pg.waitFor(() => hotTopicMessages(mark, 'createMessage')[0], CARD_TIMEOUT_MS,
    () => `no hot-topic card was posted into ${agentsChannel.id} within ${CARD_TIMEOUT_MS} ms; bot output: `
      + `${brief(pg.messagesSince(mark).map((m) => ({ action: m.action, conversation: m.actionConversationId, text: m.message?.text })))}`);
  const card = cardsOf(created.message).find(isHotTopicCard);
  const texts = textsOf(card).join('\n');
  check(/Hot/.test(texts) && /Mail and parcels/.test(texts), `the card does not show a hot Mail and parcels topic: ${brief(texts)}`);
  check(/parcel/i.test(texts), `the card shows neither the topic title nor a sample post: ${brief(texts)}`);
  seen.created = created;
  seen.texts = texts;
  await delay(2_000);
  const posts = hotTopicMessages(mark, 'createMessage');
  check(posts.length === 1, `expected exactly one hot-topic card, got ${posts.length}`);
});

run.test('more posts update the same card in place (same activity id, new content)', async () => {
  check(seen.created && seen.rest, 'no card was posted (previous test failed)');
  const mark = pg.mark();
  const result = await postPosts(seen.rest);
  check(result.rejected.length === 0, `later posts were rejected: ${brief(result)}`);
  const id = seen.created.message.messageId ?? seen.created.message.id;
  const updated = await pg.waitFor(
    () => hotTopicMessages(mark, 'updateMessage').find((m) => (m.message.messageId ?? m.message.id) === id
      && textsOf(cardsOf(m.message).find(isHotTopicCard)).join('\n') !== seen.texts),
    CARD_TIMEOUT_MS,
    () => `the card ${id} was not updated with new content within ${CARD_TIMEOUT_MS} ms; bot output: `
      + `${brief(pg.messagesSince(mark).map((m) => ({ action: m.action, id: m.message?.messageId ?? m.message?.id })))}`);
  const texts = textsOf(cardsOf(updated.message).find(isHotTopicCard)).join('\n');
  check(/parcel/i.test(texts), `the updated card lost its topic: ${brief(texts)}`);
  const newPosts = hotTopicMessages(mark, 'createMessage');
  check(newPosts.length === 0, `more posts created ${newPosts.length} new hot-topic card(s) instead of updating: ${brief(newPosts)}`);
});

process.exitCode = await run.run({
  before: async () => {
    await pg.connect();
    admin = pg.config.currentUser;
    agentsChannel = pg.config.teams?.[0]?.channels?.find((c) => c.name === 'Agents');
    check(admin && agentsChannel, `e2e/playground.yml must define the current user and an "Agents" channel: ${brief(pg.config)}`);
  },
  after: async () => pg.close(),
});
