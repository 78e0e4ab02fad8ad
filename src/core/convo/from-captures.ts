// Captured callbacks as a conversation file: what CometChat really sent, replayed as user steps (each
// followed by `bot: any`: captures show what reached the bot, not what it answered).
import { messageOf } from '../capture.js';
import { SEED_USERS } from './model.js';

export function capturesToConvo(bodies: unknown[]): { convo: Record<string, unknown>; used: number; skipped: number } {
  const steps: Record<string, unknown>[] = [];
  const users = new Set<string>();
  const groups = new Map<string, Set<string>>();
  let bot: string | undefined;
  let skipped = 0;
  for (const body of bodies) {
    const m = messageOf(body);
    bot ??= typeof (body as { bot?: unknown }).bot === 'string' ? (body as { bot: string }).bot : undefined;
    if (!m || m.category === 'action' || typeof m.sender !== 'string') {
      skipped++;
      continue;
    }
    const data = (m.data ?? {}) as Record<string, unknown>;
    const sender = m.sender.toLowerCase();
    const isGroup = m.receiverType === 'group' && typeof m.receiver === 'string';
    if (!isGroup && typeof m.receiver === 'string') bot ??= m.receiver;
    const text = typeof data.text === 'string' ? data.text : undefined;
    // Mentions go in `mention:` (the runner writes them back as <@uid:…>), the rest stays text.
    const mention = [...(text ?? '').matchAll(/<@uid:([^>]+)>/g)].map((x) => x[1]!.toLowerCase());
    const plain = text?.replace(/<@uid:[^>]+>\s*/g, '').trim();
    const step: Record<string, unknown> = {};
    if (m.category === 'custom') step.custom = { type: String(m.type), data: (data.customData as Record<string, unknown>) ?? {} };
    else if (['image', 'file', 'audio', 'video'].includes(String(m.type))) {
      const a = (Array.isArray(data.attachments) ? data.attachments[0] : undefined) as Record<string, unknown> | undefined;
      step.attachment = { url: String(a?.url ?? data.url ?? 'https://example.com/file'), name: String(a?.name ?? 'file'), mimeType: String(a?.mimeType ?? `${m.type}/*`) };
      if (plain) step.text = plain;
    } else if (plain) step.text = plain;
    else {
      skipped++;
      continue;
    }
    if (sender !== 'alice') step.as = sender;
    if (isGroup) {
      const guid = String(m.receiver).toLowerCase();
      step.group = guid;
      const members = groups.get(guid) ?? new Set<string>();
      members.add(sender);
      groups.set(guid, members);
    }
    if (mention.length) step.mention = mention;
    if (!(SEED_USERS as readonly string[]).includes(sender)) users.add(sender);
    for (const uid of mention) if (!(SEED_USERS as readonly string[]).includes(uid)) users.add(uid);
    const simple = Object.keys(step).length === 1 && step.text !== undefined;
    steps.push({ user: simple ? step.text : step }, { bot: 'any' });
  }
  const uid = (bot ?? 'test-bot').toLowerCase();
  users.delete(uid);
  const convo = {
    name: 'captured traffic',
    bot: uid,
    groupChatSetting: 'allMessages',
    allowExtraReplies: true,
    ...(users.size ? { users: [...users].sort().map((u) => ({ uid: u })) } : {}),
    ...(groups.size ? { groups: [...groups].map(([guid, members]) => ({ guid, members: [...members].sort() })) } : {}),
    tests: [{ name: 'captured traffic', steps }],
  };
  return { convo, used: steps.length / 2, skipped };
}
