// A chat at the emulator's prompt, written as a conversation file that `cometbot test` runs unchanged:
// the user messages as user steps, each bot reply as a `text` check (record-to-test, as Botium's #SAVE).
import { SEED_USERS } from './model.js';

export type ChatEntry =
  | { kind: 'user'; sender: string; receiver: string; receiverType: 'user' | 'group'; text: string }
  | { kind: 'bot'; bot: string; text?: string; category: string; type: string };

export interface RecordedChat {
  bot: string;
  groupChatSetting: string;
  entries: ChatEntry[];
  /** Members of the groups the chat used (the bot's membership included). */
  groups: { guid: string; members: string[]; bot: boolean }[];
}

/** The conversation-file structure (turned into YAML by the caller). */
export function chatToConvo(chat: RecordedChat, name = 'recorded chat'): Record<string, unknown> {
  const steps: Record<string, unknown>[] = [];
  const users = new Set<string>();
  for (const e of chat.entries) {
    if (e.kind === 'user') {
      if (e.sender !== 'alice') users.add(e.sender);
      const simple = e.sender === 'alice' && e.receiverType === 'user' && e.receiver === chat.bot;
      steps.push({ user: simple ? e.text : { text: e.text, ...(e.sender !== 'alice' ? { as: e.sender } : {}), ...(e.receiverType === 'group' ? { group: e.receiver } : {}) } });
    } else if (e.kind === 'bot' && e.bot === chat.bot) {
      steps.push({ bot: e.text !== undefined ? { text: e.text } : { category: e.category, type: e.type } });
    }
  }
  const extraUsers = [...users].filter((u) => !(SEED_USERS as readonly string[]).includes(u) && u !== chat.bot);
  const groups = chat.groups;
  return {
    name,
    bot: chat.bot,
    groupChatSetting: chat.groupChatSetting,
    ...(extraUsers.length ? { users: extraUsers.map((uid) => ({ uid })) } : {}),
    ...(groups.length ? { groups: groups.map((g) => ({ guid: g.guid, members: g.members.filter((m) => m !== chat.bot), ...(g.bot ? {} : { bot: false }) })) } : {}),
    tests: [{ name, steps: steps.length ? steps : [{ user: 'hello' }, { bot: 'any' }] }],
  };
}
