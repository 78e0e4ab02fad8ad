// Messages: send (as a user, as app_system, as a bot), threads, get, history lists, edit, delete,
// reactions and interactions.
import { BOT_PARENT_ID_WARNING, SYSTEM_SENDER } from '../backend/facts.js';
import type { HistoryPage, HistoryQuery } from '../backend/messages.js';
import type { Json } from '../backend/model.js';
import { fail } from '../backend/errors.js';
import { isObject, type Query } from '../http/input.js';
import type { ApiRequest, Answer } from '../http/router.js';
import { messageView, reactionView } from '../views.js';
import type { RouteDeps, RoutesModule } from './deps.js';

/** The OpenAPI's filters, as one query the domain understands. */
export function historyQuery(query: Query): HistoryQuery {
  const q: HistoryQuery = {
    limit: query.int('limit', { min: 1 }) ?? query.int('perPage', { min: 1 }),
    affix: query.oneOf('affix', ['append', 'prepend']),
    id: query.string('id'),
    sentAt: query.int('sentAt'),
    updatedAt: query.int('updatedAt'),
    fromTimestamp: query.int('fromTimestamp'),
    toTimestamp: query.int('toTimestamp'),
    category: query.string('category'),
    categories: query.list('categories'),
    type: query.string('type'),
    types: query.list('types'),
    sender: query.string('sender'),
    receiverType: query.oneOf('receiverType', ['user', 'group']),
    searchKey: query.string('searchKey'),
    tags: query.list('tags'),
    hideReplies: query.boolean('hideReplies'),
    hideDeleted: query.boolean('hideDeleted'),
    onlyDeleted: query.boolean('onlyDeleted'),
    onlyThreadMessages: query.boolean('onlyThreadMessages'),
    hasAttachments: query.boolean('hasAttachments'),
    attachmentTypes: query.list('attachmentTypes'),
    hasMentions: query.boolean('hasMentions'),
    hasReactions: query.boolean('hasReactions'),
    hasLinks: query.boolean('hasLinks'),
    unread: query.boolean('unread'),
    conversationId: query.string('conversationId'),
  };
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as HistoryQuery;
}

/** Cursor meta: where the page starts and ends, to page on with `id` + `affix` [S: the examples]. */
function historyAnswer(page: HistoryPage, viewer: string | undefined, pagination = false): Answer {
  const first = page.messages[0];
  const last = page.messages.at(-1);
  const meta: Json = {
    current: { limit: page.limit, count: page.messages.length },
    ...(first ? { previous: { affix: 'prepend', id: first.id, sentAt: first.sentAt } } : {}),
    ...(last ? { next: { affix: 'append', id: last.id, sentAt: last.sentAt } } : {}),
  };
  if (pagination) {
    meta.pagination = { total: page.total, count: page.messages.length, per_page: page.limit, current_page: 1, total_pages: Math.max(1, Math.ceil(page.total / page.limit)) };
    if (first) meta.cursor = { id: Number(first.id), affix: 'prepend' };
  }
  return { data: page.messages.map((m) => messageView(m, viewer)), meta };
}

export const messageRoutes: RoutesModule = (r, deps) => {
  const { backend } = deps;
  const { messages } = backend;

  r.on('POST', '/messages', (req) => sendAs(deps, req, req.onBehalfOf ?? SYSTEM_SENDER));
  r.on('POST', '/bots/{uid}/messages', (req) => {
    const uid = req.params.uid!.toLowerCase();
    backend.users.get(uid);
    if (backend.botsApi && !backend.bots.find(uid)) fail(404, 'ERR_BOT_NOT_FOUND', `The UID ${uid} is not a bot.`);
    if (req.body.has('parentId')) req.note.warning = BOT_PARENT_ID_WARNING;
    return sendAs(deps, req, uid);
  });
  r.on('POST', '/messages/{id}/thread', (req) => {
    const parent = messages.get(req.params.id!);
    return sendAs(deps, req, req.onBehalfOf ?? fail(400, 'ERR_ON_BEHALF_OF_MISSING', 'The onBehalfOf header is required to reply in a thread.'), parent.id);
  });
  r.on('GET', '/messages/{id}/thread', ({ params, query, onBehalfOf }) => historyAnswer(messages.history({ ...historyQuery(query), parentId: messages.get(params.id!).id, viewer: onBehalfOf }), onBehalfOf));
  r.on('GET', '/messages', ({ query, onBehalfOf }) => historyAnswer(messages.history({ ...historyQuery(query), ...(onBehalfOf ? { viewer: onBehalfOf } : {}) }), onBehalfOf));
  r.on('GET', '/users/{uid}/messages', ({ params, query, onBehalfOf }) => {
    // Without onBehalfOf: every one-to-one message the user sent or received [I]; with it, the chat between the two.
    const user = backend.users.get(params.uid!);
    const base = historyQuery(query);
    if (onBehalfOf) return historyAnswer(messages.history({ ...base, conversationId: backend.conversations.idWith(onBehalfOf, { uid: user.uid }), viewer: onBehalfOf }), onBehalfOf, true);
    return historyAnswer(messages.history({ ...base, receiverType: 'user', viewer: user.uid }), user.uid, true);
  });
  r.on('GET', '/groups/{guid}/messages', ({ params, query, onBehalfOf }) => {
    const group = backend.groups.get(params.guid!);
    if (onBehalfOf && !group.members.has(onBehalfOf)) fail(403, 'ERR_NOT_A_MEMBER', `The user ${onBehalfOf} is not a member of the group ${group.guid}.`);
    return historyAnswer(messages.history({ ...historyQuery(query), conversationId: `group_${group.guid}`, ...(onBehalfOf ? { viewer: onBehalfOf } : {}) }), onBehalfOf, true);
  });
  r.on('GET', '/messages/{id}', ({ params, onBehalfOf }) => ({ data: messageView(messages.get(params.id!), onBehalfOf) }));
  r.on('PUT', '/messages/{id}', ({ params, body, onBehalfOf }) => {
    const data = body.object('data');
    const tags = body.strings('tags');
    if (!data && !tags) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { data: ['Send data (e.g. {"text": "…"}) or tags to edit a message.'] });
    return { data: messageView(messages.edit(params.id!, { ...(data ? { data } : {}), ...(tags ? { tags } : {}) }, onBehalfOf ?? SYSTEM_SENDER), onBehalfOf) };
  });
  r.on('DELETE', '/messages/{id}', ({ params, body, onBehalfOf }) => ({ data: messageView(messages.delete(params.id!, body.boolean('permanent') === true, onBehalfOf ?? SYSTEM_SENDER), onBehalfOf) }));

  // Reactions: the add/remove answer is the message with its reactions [S].
  const reactor = (req: ApiRequest) => req.onBehalfOf ?? fail(400, 'ERR_ON_BEHALF_OF_MISSING', 'The onBehalfOf header is required: the uid of the user who reacts.');
  r.on('POST', '/messages/{id}/reactions/{reaction}', (req) => ({ data: messageView(messages.react(req.params.id!, req.params.reaction!, reactor(req)), req.onBehalfOf) }));
  r.on('DELETE', '/messages/{id}/reactions/{reaction}', (req) => ({ data: messageView(messages.unreact(req.params.id!, req.params.reaction!, reactor(req)), req.onBehalfOf) }));
  const reactionList = (id: string, reaction?: string): Answer => {
    const list = messages.reactions(id, reaction);
    return {
      data: list.map((x) => reactionView(x, id, backend.users.find(x.uid))),
      meta: { current: { limit: 100, count: list.length }, ...(list.length ? { next: { affix: 'append', id: list.at(-1)!.id } } : {}) },
    };
  };
  r.on('GET', '/messages/{id}/reactions', ({ params }) => reactionList(params.id!));
  r.on('GET', '/messages/{id}/reactions/{reaction}', ({ params }) => reactionList(params.id!, params.reaction!));

  r.on('PATCH', '/messages/{id}/interacted', (req) => {
    const uid = req.onBehalfOf ?? fail(400, 'ERR_ON_BEHALF_OF_MISSING', 'The onBehalfOf header is required: the uid of the user who interacted.');
    const raw = req.body.raw.interactions;
    const list = Array.isArray(raw) ? raw : raw === undefined ? fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { interactions: ['The interactions field is required (a list of element ids).'] }) : [raw];
    const ids = list.map((x) => (typeof x === 'string' ? x : isObject(x) && typeof x.elementId === 'string' ? x.elementId : fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { interactions: ['Each interaction is an element id or {elementId}.'] })));
    messages.interacted(req.params.id!, uid, ids);
    return { data: { success: true, message: `The message id ${req.params.id} has been marked as interacted for the user ${uid}.` } };
  });
};

/**
 * One send, as `sender`: linked to the callback it answers before validation (so a refused reply still
 * names it), and to every receiver of `multipleReceivers` [I: one message per receiver, answered per uid/guid].
 */
function sendAs({ backend, links }: RouteDeps, req: ApiRequest, sender: string, parentId?: string): Answer {
  const body = req.body.raw;
  const via = sender === SYSTEM_SENDER ? 'system' : backend.bots.find(sender) ? 'bot' : 'user';
  const multiple = body.multipleReceivers;
  if (multiple !== undefined) {
    if (!isObject(multiple)) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { multipleReceivers: ['multipleReceivers must be {"uids": [...], "guids": [...]}.'] });
    const out: Json = {};
    for (const [field, receiverType] of [['uids', 'user'], ['guids', 'group']] as const) {
      const list = multiple[field];
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) fail(400, 'ERR_BAD_REQUEST', 'Failed to validate the data sent with the request.', { [`multipleReceivers.${field}`]: ['A list of strings.'] });
      out[field] = Object.fromEntries(
        (list as string[]).map((receiver) => {
          try {
            return [receiver, { success: true, data: messageView(backend.messages.send(sender, { ...body, receiver, receiverType }, { via, ...(parentId ? { parentId } : {}) })) }];
          } catch (e) {
            return [receiver, { success: false, error: { code: (e as { code?: string }).code ?? 'ERR_BAD_REQUEST', message: (e as Error).message } }];
          }
        }),
      );
    }
    return { data: out };
  }
  if (via === 'bot' && typeof body.receiver === 'string') {
    const { callbackId } = links.resolve(sender, body.receiver, body.receiverType === 'group' ? 'group' : 'user');
    if (callbackId !== undefined) req.note.callbackId = callbackId;
  }
  const message = backend.messages.send(sender, body, { via, ...(parentId ? { parentId } : {}) });
  req.note.messageId = message.id;
  if (via === 'bot' && message.receiverType === 'user' && message.receiver === sender) req.note.warning = `the bot ${sender} sent a message to itself (reply to data.sender, not data.receiver, in a one-to-one chat)`;
  return { data: messageView(message) };
}
