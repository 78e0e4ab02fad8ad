// Action messages: what CometChat writes into a conversation when a member or a message changes.
import { groupView, messageView, userEntity } from '../views.js';
import type { DomainContext } from './context.js';
import type { Group, Json, Message } from './model.js';
import { conversationId } from './store.js';

/** `by` added/kicked/banned… `on` in `group` (category action, type groupMember) [S: the add-members example]. */
export function storeMemberAction(ctx: DomainContext, group: Group, action: string, by: string, on: string, extra: Json = {}): Message {
  const { store } = ctx;
  const at = store.now();
  const message: Message = {
    id: store.messageId(),
    conversationId: `group_${group.guid}`,
    sender: by,
    receiver: group.guid,
    receiverType: 'group',
    category: 'action',
    type: 'groupMember',
    data: {
      action,
      ...extra,
      entities: {
        by: { entity: userEntity(store.users.get(by), by), entityType: 'user' },
        on: { entity: userEntity(store.users.get(on), on), entityType: 'user' },
        for: { entity: groupView(group), entityType: 'group' },
      },
    },
    sentAt: at,
    updatedAt: at,
    reactions: [],
    via: 'system',
  };
  store.addMessage(message);
  ctx.emit('message', message);
  return message;
}

/** `by` edited/deleted/reacted to `target` (category action, type message) [S: the update-message example]. */
export function storeMessageAction(ctx: DomainContext, target: Message, action: string, by: string, extra: Json = {}): Message {
  const { store } = ctx;
  const at = store.now();
  const forEntity =
    target.receiverType === 'group'
      ? { entity: store.groups.get(target.receiver) ? groupView(store.groups.get(target.receiver)!) : { guid: target.receiver, conversationId: target.conversationId }, entityType: 'group' }
      : { entity: { ...userEntity(store.users.get(target.receiver), target.receiver), conversationId: conversationId(target.sender, target.receiver, 'user') }, entityType: 'user' };
  const message: Message = {
    id: store.messageId(),
    conversationId: target.conversationId,
    sender: by,
    receiver: target.receiver,
    receiverType: target.receiverType,
    category: 'action',
    type: 'message',
    data: { action, ...extra, entities: { by: { entity: userEntity(store.users.get(by), by), entityType: 'user' }, for: forEntity, on: { entity: messageView(target), entityType: 'message' } } },
    sentAt: at,
    updatedAt: at,
    reactions: [],
    via: 'system',
  };
  store.addMessage(message);
  ctx.emit('message', message);
  return message;
}
