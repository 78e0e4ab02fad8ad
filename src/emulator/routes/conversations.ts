// Conversations: lists, one conversation, tags, resets, read/delivered/unread marks.
import type { Conversation } from '../backend/conversations.js';
import type { Backend } from '../backend/index.js';
import { requireOnBehalfOf } from '../http/input.js';
import { paginate } from '../http/paging.js';
import { groupView, messageView, userView } from '../views.js';
import { done, type RoutesModule } from './deps.js';

/** A conversation as the OpenAPI shows it (unreadMessageCount is a string there [S]). */
function conversationView(backend: Backend, c: Conversation, viewer?: string) {
  const withEntity = c.conversationType === 'group' ? backend.groups.find(c.with) : backend.users.find(c.with);
  return {
    conversationId: c.conversationId,
    conversationType: c.conversationType,
    unreadMessageCount: String(c.unreadMessageCount),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    lastMessage: messageView(c.lastMessage, viewer),
    conversationWith: withEntity ? (c.conversationType === 'group' ? groupView(withEntity as never, viewer) : userView(withEntity as never, viewer)) : { [c.conversationType === 'group' ? 'guid' : 'uid']: c.with },
    ...(c.tags ? { tags: c.tags } : {}),
  };
}

export const conversationRoutes: RoutesModule = (r, { backend }) => {
  const { conversations } = backend;
  r.on('GET', '/conversations', ({ query, onBehalfOf }) => {
    const list = conversations.list(onBehalfOf, { conversationType: query.oneOf('conversationType', ['user', 'group']), unread: query.boolean('unread'), tags: query.list('tags') });
    const page = paginate(list, query);
    return { data: page.data.map((c) => conversationView(backend, c, onBehalfOf)), meta: page.meta };
  });
  // The OpenAPI's schema says an object for the single-conversation reads; its examples are copies of the
  // list's (an array): the schema wins here, since these name exactly one conversation.
  r.on('GET', '/conversations/{conversationId}', ({ params, headers }) => {
    const viewer = requireOnBehalfOf(headers);
    return { data: conversationView(backend, conversations.get(params.conversationId!, viewer), viewer) };
  });
  r.on('DELETE', '/conversations/{conversationId}', ({ params, headers }) => {
    requireOnBehalfOf(headers);
    conversations.reset(params.conversationId!, undefined, true);
    return done(`The conversation ${params.conversationId} has been deleted successfully for all the users.`);
  });

  for (const [kind, param] of [['users', 'uid'], ['groups', 'guid']] as const) {
    const idOf = (params: Record<string, string>, viewer: string) => conversations.idWith(viewer, kind === 'users' ? { uid: params[param]! } : { guid: params[param]! });
    const base = `/${kind}/{${param}}/conversation`;
    r.on('GET', base, ({ params, headers }) => {
      const viewer = requireOnBehalfOf(headers);
      return { data: conversationView(backend, conversations.get(idOf(params, viewer), viewer), viewer) };
    });
    r.on('PUT', base, ({ params, headers, body }) => {
      const viewer = requireOnBehalfOf(headers);
      return { data: conversationView(backend, conversations.tag(idOf(params, viewer), viewer, body.requiredStrings('tags')), viewer) };
    });
    r.on('DELETE', base, ({ params, headers }) => {
      const viewer = requireOnBehalfOf(headers);
      const id = idOf(params, viewer);
      conversations.reset(id, viewer);
      return done(`The conversation ${id} has been deleted successfully for UID ${viewer}.`);
    });
    r.on('POST', `${base}/delivered`, ({ params, headers, body }) => {
      const viewer = requireOnBehalfOf(headers);
      conversations.markDelivered(idOf(params, viewer), viewer, body.string('messageId') ?? numberText(body.raw.messageId));
      return { data: { success: true, message: `All the messages ${kind === 'users' ? `from the user ${params[param]}` : `in group ${params[param]}`} are marked as delivered for the user ${viewer}.` } };
    });
    r.on('POST', `${base}/read`, ({ params, headers, body }) => {
      const viewer = requireOnBehalfOf(headers);
      conversations.markRead(idOf(params, viewer), viewer, body.string('messageId') ?? numberText(body.raw.messageId));
      return { data: { success: true, message: `All the messages ${kind === 'users' ? `from the user ${params[param]}` : `in group ${params[param]}`} are marked as read for the user ${viewer}.` } };
    });
    r.on('DELETE', `${base}/read`, ({ params, headers, body }) => {
      const viewer = requireOnBehalfOf(headers);
      const messageId = numberText(body.raw.messageId) ?? body.requiredString('messageId');
      conversations.markUnread(idOf(params, viewer), viewer, messageId);
      return done(`The messages after the message id ${messageId} are marked as unread for the user ${viewer}.`);
    });
  }
};

/** A message id sent as a number (clients do): its text. */
function numberText(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;
}
