// Tiny test runner and Playground client shared by the e2e tests. Written for CrisisBot; it talks only to the
// Playground's own HTTP/WebSocket API on loopback (playground.md §6.2).

export const CARD_TYPE = 'application/vnd.microsoft.card.adaptive';
export const MESSAGE_TYPE = 'application/vnd.microsoft.activity.message';

/** Sequential named tests; prints TAP-like lines and the final "N passed, N failed" line. */
export class TestRun {
  #tests = [];

  test(name, fn) {
    this.#tests.push({ name, fn });
  }

  async run({ before, after } = {}) {
    let passed = 0;
    let failed = 0;
    let index = 0;
    try {
      if (before) await before();
    } catch (err) {
      console.log(`not ok - setup: ${describe(err)}`);
      console.log(`0 passed, ${this.#tests.length} failed`);
      return 1;
    }
    for (const { name, fn } of this.#tests) {
      index += 1;
      const started = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`ok ${index} - ${name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed += 1;
        console.log(`not ok ${index} - ${name} (${Date.now() - started} ms)`);
        for (const line of describe(err).split('\n')) console.log(`    ${line}`);
      }
    }
    try {
      if (after) await after();
    } catch (err) {
      console.log(`# teardown problem: ${describe(err)}`);
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  }
}

function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

/** Fails the current test with a clear message. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every HTTP call to the Playground gives up after this long (an invoke waits for the bot's synchronous answer). */
export const HTTP_TIMEOUT_MS = 30_000;

/** A short, single-line rendering of a value for failure messages. */
export function brief(value, max = 600) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text === undefined) return 'undefined';
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** Every adaptive card in a Playground message ({attachments:[{contentType, content}]}). */
export function cardsOf(message) {
  return (message?.attachments ?? [])
    .filter((a) => a?.contentType === CARD_TYPE && a.content && typeof a.content === 'object')
    .map((a) => a.content);
}

/** All Action.Execute verbs anywhere in a card (actions, ActionSets, selectAction, refresh). */
export function verbsOf(card) {
  const verbs = [];
  walk(card, (node) => {
    if (node && typeof node === 'object' && node.type === 'Action.Execute' && typeof node.verb === 'string') {
      verbs.push(node.verb);
    }
  });
  return verbs;
}

/** The first Action.Execute with this verb anywhere in the card (to reuse its data in an invoke). */
export function findAction(card, verb) {
  let found;
  walk(card, (node) => {
    if (!found && node && typeof node === 'object' && node.type === 'Action.Execute' && node.verb === verb) found = node;
  });
  return found;
}

/** Every user-visible string of a card (text, title, facts, choices), in document order. */
export function textsOf(card) {
  const texts = [];
  walk(card, (node) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const key of ['text', 'title', 'value', 'placeholder', 'label', 'altText']) {
      if (typeof node[key] === 'string' && node[key].trim() !== '') texts.push(node[key]);
    }
  });
  return texts;
}

function walk(node, visit) {
  visit(node);
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
  } else if (node && typeof node === 'object') {
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/**
 * One connection to the Playground: its config, the bot-output WebSocket and the log WebSocket.
 * Every event is recorded from the start, so a test can wait for "an event after mark M that matches P".
 */
export class Playground {
  constructor(baseUrl) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.conversationEvents = [];
    this.logEvents = [];
    this.sockets = [];
    this.waiters = new Set();
  }

  async connect() {
    const response = await fetch(`${this.baseUrl}/_internal/v1/config`, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    check(response.ok, `GET /_internal/v1/config answered ${response.status}`);
    this.config = (await response.json()).config;
    check(this.config?.bot?.id, `the Playground config has no bot: ${brief(this.config)}`);
    await Promise.all([
      this.#open('/_ws_conversation/v1/conversations/stream', this.conversationEvents),
      this.#open('/_ws/log/stream', this.logEvents),
    ]);
  }

  #open(path, sink) {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}${path}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`WebSocket ${url} did not open within 10 s`)), 10_000);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        this.sockets.push(socket);
        resolve();
      });
      socket.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error(`WebSocket ${url} failed`));
      });
      socket.addEventListener('message', (event) => {
        let data;
        try {
          data = JSON.parse(typeof event.data === 'string' ? event.data : String(event.data));
        } catch {
          data = { unparsable: String(event.data) };
        }
        sink.push({ at: Date.now(), data });
        for (const wake of this.waiters) wake();
      });
    });
  }

  close() {
    for (const socket of this.sockets) socket.close();
  }

  /** Marks "now" in both streams; pass it to waitFor/eventsSince. */
  mark() {
    return { conversation: this.conversationEvents.length, log: this.logEvents.length };
  }

  /** Bot output (createMessage/updateMessage) after the mark, optionally only for one conversation id. */
  messagesSince(mark, conversationId) {
    return this.conversationEvents
      .slice(mark.conversation)
      .map((e) => e.data)
      .filter((d) => d.action === 'createMessage' || d.action === 'updateMessage')
      .filter((d) => conversationId === undefined || d.actionConversationId === conversationId);
  }

  logsSince(mark) {
    return this.logEvents.slice(mark.log).map((e) => e.data?.log).filter(Boolean);
  }

  /** Waits until select() returns something truthy (re-evaluated on every event), or fails with describeFailure(). */
  async waitFor(select, timeoutMs, describeFailure) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = select();
      if (result) return result;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(describeFailure());
      await new Promise((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 250));
        this.waiters.add(wake);
      });
    }
  }

  async post(path, body) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  /** A user message, as the UI sends it. In a channel, mentionBot adds the @mention the Playground requires. */
  async say(conversationId, fromId, text, { mentionBot = false } = {}) {
    const at = `<at>${this.config.bot.name}</at>`;
    const body = mentionBot
      ? { from: { id: fromId }, text: `${at} ${text}`, textFormat: 'plain', mentions: [{ mentioned: { id: this.config.bot.id }, text: at }] }
      : { from: { id: fromId }, text, textFormat: 'plain' };
    const result = await this.post(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body);
    check(result.status === 200 && result.json?.messageId,
      `sending "${text}" to ${conversationId} failed: HTTP ${result.status} ${brief(result.text)}`);
    return result.json;
  }

  /** An Action.Execute click on a card: returns the bot's invoke response as the Playground relays it. */
  async execute({ conversationId, fromId, replyToId, verb, data }) {
    return this.post('/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: data ?? {} } },
      from: { id: fromId },
      conversation: { id: conversationId },
      replyToId,
    });
  }

  /**
   * A channel message from any configured user (the UI API always sends as the current user). It goes through the
   * Playground's "Mock an Activity" API: a template activity for the channel, turned into a message that @mentions the
   * bot, posted into the thread of `threadRootId` (a message the Playground knows, so the bot's reply can land there).
   */
  async sayAsUser(user, channelId, threadRootId, text, { mentions = [] } = {}) {
    const query = `conversationId=${encodeURIComponent(channelId)}&type=userAdded`;
    const response = await fetch(`${this.baseUrl}/_internal/v1/customActivities/template?${query}`,
      { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    check(response.ok, `GET /_internal/v1/customActivities/template answered ${response.status}`);
    const template = await response.json();
    check(template?.serviceUrl && template?.channelData?.team?.id,
      `the activity template for ${channelId} has no serviceUrl or team: ${brief(template)}`);
    const at = `<at>${this.config.bot.name}</at>`;
    const id = String(Date.now());
    const { membersAdded: _added, ...base } = template;
    // Other people @mentioned after the text (e.g. "crisis role comms @Carol"), as Teams sends them: <at>Name</at> in the
    // text and one mention entity each.
    const others = mentions.map((u) => ({ type: 'mention', text: `<at>${u.name}</at>`, mentioned: { id: u.id, name: u.name } }));
    const activity = {
      ...base,
      id,
      type: 'message',
      text: [`${at} ${text}`, ...others.map((m) => m.text)].join(' '),
      textFormat: 'plain',
      locale: 'en-US',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      conversation: { ...template.conversation, id: `${channelId};messageid=${threadRootId}` },
      entities: [{ type: 'mention', text: at, mentioned: { id: this.config.bot.id, name: this.config.bot.name } }, ...others],
      channelData: {
        tenant: template.channelData.tenant,
        team: template.channelData.team,
        channel: { id: channelId },
        teamsChannelId: channelId,
        teamsTeamId: template.channelData.team.id,
      },
    };
    const result = await this.post('/_internal/v1/customActivities', activity);
    check(result.status === 200, `POST /_internal/v1/customActivities answered ${result.status}: ${brief(result.text)}`);
    return { messageId: id, threadId: activity.conversation.id };
  }

  /**
   * An Action.Execute click by any configured user, through the Playground's invoke API: it builds the invoke activity
   * for the user with this id (id, aadObjectId, name from playground.yml), in `conversationId` (a channel thread or a
   * chat the Playground knows), for the card message `replyToId`, and returns the bot's invoke response synchronously.
   * Returns the HTTP result plus `response`: the invoke response body ({type, value}) when the call succeeded.
   */
  async clickAs(user, conversationId, replyToId, verb, data) {
    const result = await this.execute({ conversationId, fromId: user.id, replyToId, verb, data });
    check(result.status === 200, `the ${verb} click by ${user.name} in ${conversationId} failed: HTTP ${result.status} ${brief(result.text)}`);
    return { ...result, response: result.json };
  }

  async install(conversationId) {
    return this.post(`/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }
}

/**
 * POST /api/posts on the bot with the HMAC-SHA256 signature over `timestamp + "." + body` (the bot's Intake:Secrets:0);
 * `lines` are NDJSON lines. Fails unless the bot answers 202; returns its counts {accepted, duplicates, rejected}.
 */
export async function postSignedPosts(botUrl, secret, lines) {
  const { createHmac } = await import('node:crypto');
  const body = `${lines.join('\n')}\n`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(`${botUrl}/api/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', 'X-CrisisBot-Timestamp': timestamp, 'X-CrisisBot-Signature': `sha256=${signature}` },
    body,
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const text = await response.text();
  check(response.status === 202, `POST /api/posts answered ${response.status}: ${brief(text)}`);
  return JSON.parse(text);
}
