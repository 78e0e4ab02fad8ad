// The payloads CometChat POSTs, built in one place: `cometbot trigger` sends them and the emulator's
// relay wraps its messages with the same code, so the two never disagree. Pure: no clock, no I/O.

export const KINDS = ['text', 'group', 'mention', 'thread', 'image', 'file', 'audio', 'video', 'custom', 'edited', 'deleted'] as const;
export type Kind = (typeof KINDS)[number];

export const SHAPES = ['bot', 'webhook', 'legacy-webhook'] as const;
export type Shape = (typeof SHAPES)[number];

/** One line per kind, for `trigger --list`. */
export const KIND_SUMMARY: Record<Kind, string> = {
  text: 'a one-to-one text message to the bot',
  group: 'a text in a group the bot is in',
  mention: 'a group message mentioning the bot (<@uid:…> and data.mentions)',
  thread: 'a thread reply (parentId) to an earlier message',
  image: 'an image message (data.url, data.attachments)',
  file: 'a file message',
  audio: 'an audio message',
  video: 'a video message',
  custom: 'a custom message (category custom, data.customData)',
  edited: 'an edit: an action message (data.action edited, entities by/for/on)',
  deleted: 'a delete: an action message (data.action deleted, entities by/for/on)',
};

export interface PayloadOptions {
  from: string;
  bot: string;
  group?: string;
  text?: string;
  mentions?: string[];
  appId: string;
  region: string;
  /** The message id (data.id). */
  id: string;
  /** Unix seconds. */
  sentAt: number;
}

type Json = Record<string, unknown>;

export function userEntity(uid: string): Json {
  return { uid, name: uid, status: 'online', role: 'default' };
}

/** The message object of a kind, as CometChat's REST API returns messages. */
export function buildMessage(kind: Kind, o: PayloadOptions): Json {
  const inGroup = kind === 'group' || kind === 'mention' || o.group !== undefined;
  const receiver = inGroup ? (o.group ?? 'team') : o.bot;
  const receiverType = inGroup ? 'group' : 'user';
  const conversationId = inGroup ? `group_${receiver}` : [o.from, o.bot].sort().join('_user_');
  const mentions = kind === 'mention' ? (o.mentions?.length ? o.mentions : [o.bot]) : (o.mentions ?? []);
  const mentionText = mentions.map((uid) => `<@uid:${uid}>`).join(' ');
  const text = [mentionText, o.text ?? defaultText(kind)].filter(Boolean).join(' ');
  const entities = { sender: { entity: userEntity(o.from), entityType: 'user' }, receiver: { entity: inGroup ? { guid: receiver, name: receiver, type: 'public', conversationId } : { ...userEntity(o.bot), conversationId }, entityType: receiverType } };
  const base = { id: o.id, conversationId, sender: o.from, receiver, receiverType, sentAt: o.sentAt, updatedAt: o.sentAt };
  const withMentions = mentions.length ? { mentions: Object.fromEntries(mentions.map((uid) => [uid, userEntity(uid)])) } : {};
  switch (kind) {
    case 'image':
    case 'file':
    case 'audio':
    case 'video': {
      const ext = { image: 'png', file: 'pdf', audio: 'mp3', video: 'mp4' }[kind];
      const mimeType = { image: 'image/png', file: 'application/pdf', audio: 'audio/mpeg', video: 'video/mp4' }[kind];
      const url = `https://data-${o.region}.cometchat.io/${o.appId}/media/sample.${ext}`;
      return { ...base, category: 'message', type: kind, data: { url, attachments: [{ url, name: `sample.${ext}`, extension: ext, mimeType, size: 1024 }], ...(o.text ? { text: o.text } : {}), ...withMentions, entities } };
    }
    case 'custom':
      return { ...base, category: 'custom', type: 'poll', data: { customData: { question: o.text ?? 'Lunch?', options: ['pizza', 'salad'] }, ...withMentions, entities } };
    case 'edited':
    case 'deleted': {
      // An action message about an earlier message (id - 1), as CometChat reports edits and deletes.
      const on = { ...base, id: String(Math.max(1, Number(o.id) - 1) || 1), category: 'message', type: 'text', data: { text: kind === 'edited' ? text : '' }, ...(kind === 'edited' ? { editedAt: o.sentAt, editedBy: o.from } : { deletedAt: o.sentAt, deletedBy: o.from }) };
      return {
        ...base,
        category: 'action',
        type: 'message',
        data: { action: kind, text: `${o.from} ${kind} a message`, entities: { by: { entity: userEntity(o.from), entityType: 'user' }, for: entities.receiver, on: { entity: on, entityType: 'message' } } },
      };
    }
    default:
      return { ...base, category: 'message', type: 'text', ...(kind === 'thread' ? { parentId: String(Math.max(1, Number(o.id) - 1) || 1) } : {}), data: { text, ...withMentions, entities } };
  }
}

function defaultText(kind: Kind): string {
  return kind === 'thread' ? 'a reply in the thread' : kind === 'mention' ? 'can you help?' : kind === 'group' ? 'hello, team' : 'hello';
}

/** The callback around a message, in one of the shapes CometChat is known to send. */
export function wrapCallback(message: Json, shape: Shape, o: Pick<PayloadOptions, 'appId' | 'region' | 'bot'>): Json {
  const action = message.category === 'action' ? String((message.data as Json | undefined)?.action ?? '') : '';
  if (shape === 'webhook') return { trigger: action ? `message_${action}` : 'message_sent', data: { message }, appId: o.appId, region: o.region, webhook: 'cometbot' };
  if (shape === 'legacy-webhook') return { trigger: 'after_message', data: message, appId: o.appId, webhook: 'cometbot' };
  return { trigger: 'after_message', data: message, appId: o.appId, region: o.region, origin: { platform: 'REST_API', language: 'http', resource: 'cometbot' }, chatAPIVersion: '3.0', bot: o.bot };
}

/** Sets a dot path in a JSON value (creating objects on the way): `--set data.data.text=hi`. */
export function setPath(target: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  if (parts.some((p) => !p || p === '__proto__' || p === 'constructor' || p === 'prototype')) throw new Error(`invalid path "${path}"`);
  let at: Json = target;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[part] = {};
    at = at[part] as Json;
  }
  at[parts.at(-1)!] = value;
}

/** `PATH=VALUE`: the value as JSON when it parses, else the string as written. */
export function parseSet(raw: string): { path: string; value: unknown } | undefined {
  const at = raw.indexOf('=');
  if (at <= 0) return undefined;
  const text = raw.slice(at + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // a plain string
  }
  return { path: raw.slice(0, at), value };
}
