// The message a user step sends, as a CometChat client would post it.
import type { UserStep } from './model.js';

export interface UserMessageBody {
  receiver: string;
  receiverType: 'user' | 'group';
  category: 'message' | 'custom';
  type: string;
  data: Record<string, unknown>;
}

/** A file's MIME type → CometChat's media message type. */
export function mediaType(mimeType: string): 'image' | 'audio' | 'video' | 'file' {
  const top = mimeType.split('/')[0]!.toLowerCase();
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'file';
}

/** Mentions are written `<@uid:…>` into the text and listed in data.mentions, as CometChat does. */
export function userMessageBody(step: UserStep, bot: string, mentioned: (uid: string) => Record<string, unknown>): UserMessageBody {
  const target = step.group ? { receiver: step.group, receiverType: 'group' as const } : { receiver: bot, receiverType: 'user' as const };
  const mentionText = step.mention.map((uid) => `<@uid:${uid}>`).join(' ');
  const mentions = step.mention.length ? { mentions: Object.fromEntries(step.mention.map((uid) => [uid, mentioned(uid)])) } : {};
  const metadata = step.metadata ? { metadata: step.metadata } : {};
  if (step.custom) {
    return { ...target, category: 'custom', type: step.custom.type, data: { customData: step.custom.data, ...(mentionText ? { text: mentionText } : {}), ...mentions, ...metadata } };
  }
  const text = [mentionText, step.text].filter(Boolean).join(' ');
  if (step.attachment) {
    const { url, name, mimeType } = step.attachment;
    const extension = name.includes('.') ? name.split('.').pop()! : '';
    return {
      ...target,
      category: 'message',
      type: mediaType(mimeType),
      data: { url, attachments: [{ url, name, mimeType, extension }], ...(text ? { text } : {}), ...mentions, ...metadata },
    };
  }
  return { ...target, category: 'message', type: 'text', data: { text, ...mentions, ...metadata } };
}

/** How a user step reads in a transcript: "alice → test-bot: hi", "bob → support (group): (image)". */
export function describeUserMessage(sender: string, body: UserMessageBody): string {
  const where = body.receiverType === 'group' ? `${body.receiver} (group)` : body.receiver;
  const text = typeof body.data.text === 'string' ? body.data.text : '';
  const what = body.category === 'custom' ? `(custom ${body.type})${text ? ` ${text}` : ''}` : body.type !== 'text' ? `(${body.type})${text ? ` ${text}` : ''}` : text;
  return `${sender} → ${where}: ${what}`;
}
