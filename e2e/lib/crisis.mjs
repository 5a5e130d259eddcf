// Helpers shared by the crisis-mode and duty-of-care checks (checks/crisis.test.mjs, checks/care.test.mjs): the people
// and channels of e2e/playground.yml, linking channels, waiting for replies and card updates, reading card facts and
// inputs, and standing down a crisis an earlier check left active (so every check starts without one).
import { brief, cardsOf, check, findAction, textsOf, verbsOf } from './harness.mjs';

/** A card's visible text with the markdown escapes (\\( \\* …) undone, so it compares with what was typed. */
export const cardText = (card) => textsOf(card).join('\n').replace(/\\(.)/g, '$1');

export function crisisHelpers(pg, timeoutMs) {
  const messageIdOf = (message) => message?.messageId ?? message?.id;
  const visible = (message) => [message?.text ?? '', ...cardsOf(message).map(cardText)].join('\n');
  const isCrisisCard = (card) => verbsOf(card).includes('crisis.refresh');
  const threadOf = (channel, messageId) => `${channel.id};messageid=${messageId}`;
  const summary = (e) => ({
    action: e.action, conversation: e.actionConversationId, id: messageIdOf(e.message), text: e.message?.text,
    cards: cardsOf(e.message).map((c) => textsOf(c).slice(0, 4).join(' | ')),
  });
  const elsewhere = (mark, conversationId) => brief(pg.messagesSince(mark)
    .filter((e) => e.actionConversationId !== conversationId).map(summary), 1200);

  function people() {
    const config = pg.config;
    const byName = (name) => config.users?.find((u) => u.name === name);
    const [bob, carol, dan, erin, frank] = ['Bob Agent', 'Carol Expert', 'Dan Approver', 'Erin Lead', 'Frank Agent'].map(byName);
    const team = config.teams?.[0];
    const agents = team?.channels?.find((c) => c.name === 'Agents');
    // General always exists; its conversation id is the team id (playground.md §5).
    const general = team?.channels?.find((c) => c.name === 'General') ?? (team?.id ? { id: team.id, name: 'General' } : undefined);
    check(config.currentUser && bob && carol && dan && erin && frank && agents && general,
      `e2e/playground.yml must define Alice (current user), Bob Agent, Carol Expert, Dan Approver, Erin Lead, Frank Agent and the General and Agents channels: ${brief(config)}`);
    check(erin.aadObjectId === 'aaaaaaaa-0000-4000-8000-000000000005',
      `Erin Lead's aadObjectId in e2e/playground.yml changed; run-e2e.sh passes it as Crisis:Leads:0 (got ${erin.aadObjectId})`);
    return { admin: config.currentUser, bob, carol, dan, erin, frank, general, agents };
  }

  /** Any bot text or card after `mark` in `conversationId` whose visible text matches `pattern`. */
  function waitForText(mark, conversationId, pattern, what) {
    return pg.waitFor(
      () => pg.messagesSince(mark, conversationId).find((e) => pattern.test(visible(e.message))),
      timeoutMs,
      () => `no ${what} (matching ${pattern}) arrived in ${conversationId} within ${timeoutMs} ms; bot output there: `
        + `${brief(pg.messagesSince(mark, conversationId).map(summary), 1500)}; elsewhere: ${elsewhere(mark, conversationId)}`,
    );
  }

  /** A bot message after `mark` in `conversationId` (any conversation when undefined) with a card passing `accept`. */
  function waitForCard(mark, conversationId, accept, what, actions = ['createMessage', 'updateMessage']) {
    return pg.waitFor(
      () => {
        for (const event of pg.messagesSince(mark, conversationId)) {
          if (!actions.includes(event.action)) continue;
          const card = cardsOf(event.message).find(accept);
          if (card) return { event, message: event.message, card };
        }
        return undefined;
      },
      timeoutMs,
      () => `no ${what} arrived in ${conversationId ?? 'any conversation'} within ${timeoutMs} ms; bot output there: `
        + `${brief(pg.messagesSince(mark, conversationId).map(summary), 1500)}; elsewhere: ${elsewhere(mark, conversationId)}`,
    );
  }

  /** An in-place update (updateMessage, same message id) of the card `messageId` in `channel` whose card passes `accept`. */
  function waitForCardUpdate(mark, channel, messageId, accept, what) {
    return pg.waitFor(
      () => {
        for (const event of pg.messagesSince(mark, channel.id)) {
          if (event.action !== 'updateMessage' || messageIdOf(event.message) !== messageId) continue;
          const card = cardsOf(event.message).find(accept);
          if (card) return { event, message: event.message, card };
        }
        return undefined;
      },
      timeoutMs,
      () => `the card ${messageId} in ${channel.name} was not updated in place to show ${what} within ${timeoutMs} ms; bot output there: `
        + `${brief(pg.messagesSince(mark, channel.id).map(summary), 1500)}`,
    );
  }

  /** A channel message by the admin (the Playground's current user) that does not mention the bot: a thread root for others. */
  async function root(channel, text) {
    const posted = await pg.say(channel.id, pg.config.currentUser.id, text);
    return { messageId: posted.messageId, thread: posted.postConversationId ?? threadOf(channel, posted.messageId) };
  }

  /** "link <role>" by the admin in `channel`; fails when refused. */
  async function link(channel, admin, command) {
    const mark = pg.mark();
    const posted = await pg.say(channel.id, admin.id, command, { mentionBot: true });
    const thread = posted.postConversationId ?? threadOf(channel, posted.messageId);
    const reply = await pg.waitFor(() => pg.messagesSince(mark, thread)[0], timeoutMs,
      () => `no answer to "${command}" in ${thread}; bot output: ${brief(pg.messagesSince(mark).map(summary), 1500)}`);
    const text = visible(reply.message);
    check(!/not allowed|only admins|unknown|don't know|can't/i.test(text), `"${command}" was refused: ${brief(text)}`);
  }

  /** "crisis" by `user` in `channel` (in its own thread); returns the reply event. */
  async function show(channel, user, what) {
    const admin = pg.config.currentUser;
    const mark = pg.mark();
    let thread;
    if (user.id === admin.id) {
      const posted = await pg.say(channel.id, admin.id, 'crisis', { mentionBot: true });
      thread = posted.postConversationId ?? threadOf(channel, posted.messageId);
    } else {
      const { messageId } = await root(channel, `${user.name} asks for the crisis (${Date.now()})`);
      thread = threadOf(channel, messageId);
      await pg.sayAsUser(user, channel.id, messageId, 'crisis');
    }
    const reply = await pg.waitFor(() => pg.messagesSince(mark, thread)[0], timeoutMs,
      () => `${what}: no answer to "crisis" in ${thread}; bot output: ${brief(pg.messagesSince(mark).map(summary), 1500)}`);
    return { ...reply, thread };
  }

  /** The Action.Execute `verb` of the card's item whose text contains `itemText` (the button follows its item's text). */
  function actionFor(card, verb, itemText) {
    let seenItem = false;
    let found;
    const visit = (node) => {
      if (found || !node || typeof node !== 'object') return;
      if (Array.isArray(node)) { node.forEach(visit); return; }
      if (typeof node.text === 'string' && node.text.replace(/\\(.)/g, '$1').includes(itemText)) seenItem = true;
      if (seenItem && node.type === 'Action.Execute' && node.verb === verb) { found = node; return; }
      Object.values(node).forEach(visit);
    };
    visit(card);
    return found;
  }

  /** Values typed into a card's inputs (checked to exist), merged into the action data as Teams does. */
  function inputs(card, values) {
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

  /** Every FactSet fact of a card as { title: value } (markdown escapes undone). */
  function facts(card) {
    const result = {};
    const visit = (node) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        if (node.type === 'FactSet' && Array.isArray(node.facts)) {
          for (const f of node.facts) result[String(f.title).replace(/\\(.)/g, '$1')] = String(f.value).replace(/\\(.)/g, '$1');
        }
        Object.values(node).forEach(visit);
      }
    };
    visit(card);
    return result;
  }

  /**
   * Stands down the active crisis, if any, as the admin (the current user, so the Playground returns the invoke response
   * synchronously): "crisis" shows whether one is active, "stand down" gives the form, its button ends the crisis.
   */
  async function standDownIfActive(channel, admin, reason) {
    const state = await show(channel, admin, 'checking for an active crisis');
    const crisisCard = cardsOf(state.message).find(isCrisisCard);
    if (!crisisCard) {
      check(/No crisis is active/.test(visible(state.message)), `"crisis" gave neither a crisis card nor "No crisis is active": ${brief(visible(state.message))}`);
      return false;
    }
    console.log(`# a crisis is active (${brief(textsOf(crisisCard).slice(0, 3))}); standing it down`);
    const mark = pg.mark();
    const posted = await pg.say(channel.id, admin.id, 'stand down', { mentionBot: true });
    const thread = posted.postConversationId ?? threadOf(channel, posted.messageId);
    const form = await waitForCard(mark, thread, (c) => verbsOf(c).includes('crisis.standDown'), 'stand-down form');
    const action = findAction(form.card, 'crisis.standDown');
    const result = await pg.execute({
      conversationId: thread, fromId: admin.id, replyToId: messageIdOf(form.message), verb: 'crisis.standDown',
      data: { ...action.data, standDownReason: reason },
    });
    check(result.status === 200 && cardText(result.json?.value ?? {}).includes('Crisis stood down'),
      `standing down the left-over crisis failed: HTTP ${result.status} ${brief(result.text)}`);
    return true;
  }

  // The Playground does not stream messages in a 1:1 chat of a user other than the current one ("a chat the UI never
  // shows", playground.md §6.1), but its log stream records every Connector call of the bot with the request body (the
  // activity, cards included) and the response body (the new message or conversation id).
  const bodyOf = (value) => {
    if (typeof value !== 'string') return value;
    try { return JSON.parse(value); } catch { return undefined; }
  };

  /** The 1:1 chat the bot created with `user` after `mark` (POST /v3/conversations, isGroup false, that one member). */
  function chatWith(mark, user) {
    const entry = pg.logsSince(mark).find((l) => l.activityName === 'createConversation'
      && (l.request?.body?.members ?? []).some((m) => m?.id === user.id));
    if (!entry) return undefined;
    const body = entry.request.body;
    return { id: bodyOf(entry.response?.body)?.id, isGroup: body.isGroup === true, members: (body.members ?? []).map((m) => m?.id), entry };
  }

  /** A message activity the bot sent after `mark` (any conversation, per the Playground's log) that passes `accept`. */
  function waitForSent(mark, accept, what) {
    return pg.waitFor(
      () => {
        for (const entry of pg.logsSince(mark)) {
          const activity = entry.request?.body;
          if (entry.activityName !== 'message' || activity?.type !== 'message' || !accept(activity)) continue;
          return { entry, activity, messageId: entry.messageId ?? bodyOf(entry.response?.body)?.id, statusCode: entry.response?.statusCode };
        }
        return undefined;
      },
      timeoutMs,
      () => `the bot sent no ${what} within ${timeoutMs} ms; bot sends in the Playground log: `
        + brief(pg.logsSince(mark).filter((l) => l.request?.body?.type === 'message')
          .map((l) => [l.activityName, l.request.body.text, ...cardsOf(l.request.body).map((c) => textsOf(c).slice(0, 2).join(' | '))]), 1500),
    );
  }

  const sentSince = (mark, accept) => pg.logsSince(mark).filter((l) => l.request?.body?.type === 'message' && accept(l.request.body));

  return {
    chatWith, waitForSent, sentSince,
    messageIdOf, visible, text: cardText, isCrisisCard, threadOf, summary, people, waitForText, waitForCard,
    waitForCardUpdate, root, link, show, actionFor, inputs, facts, standDownIfActive,
  };
}
