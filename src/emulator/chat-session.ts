// The emulate/dev chat prompt's interpreter: one typed line in, what to print out. A person talks as an
// emulated user; commands pick who talks to whom, manage groups, and read, react to, edit and delete
// history. The command owns readline and rendering; this owns the meaning of a line.
import type { ChatEntry } from '../core/convo/record.js';
import type { Emulator } from './server.js';
import type { Message } from './backend/model.js';

export interface ChatLine {
  level: 'info' | 'warn';
  text: string;
}

export interface ChatReply {
  lines: ChatLine[];
  quit?: boolean;
}

type Target = { receiver: string; receiverType: 'user' | 'group' };

/** The commands that take arguments, and how many. */
export const CHAT_COMMANDS: Record<string, { args: number; text: string }> = {
  '/to': { args: 1, text: '/to <uid>: talk to a user or bot' },
  '/group': { args: 1, text: '/group <guid>: talk in a group' },
  '/join': { args: 1, text: '/join <guid>: the bot you talk to joins a group' },
  '/add': { args: 2, text: '/add <uid> <guid>: add someone to a group' },
  '/as': { args: 1, text: '/as <uid>: be someone else' },
  '/history': { args: 0, text: '/history [n]: the last n messages here (default 10)' },
  '/reply': { args: 2, text: '/reply <id> <text>: answer in the thread of a message' },
  '/react': { args: 2, text: '/react <id> <emoji>: react to a message' },
  '/edit': { args: 2, text: '/edit <id> <text>: edit a message you sent' },
  '/delete': { args: 1, text: '/delete <id>: delete a message' },
  '/save': { args: 1, text: '/save <file>: the chat so far as a .convo.yaml for cometbot test' },
};

export interface ChatSessionOptions {
  /** Writes a recorded conversation file (/save); refuses to replace an existing file. */
  writeFile: (path: string, text: string) => Promise<void>;
}

export class ChatSession {
  private sender: string;
  private target?: Target;
  /** What is said here, kept for /save: user messages, and the bots' replies as they arrive. */
  private readonly transcript: ChatEntry[] = [];
  private readonly onBotMessage = ({ message }: { message: Record<string, unknown> }) => {
    const data = (message.data ?? {}) as { text?: unknown };
    this.transcript.push({ kind: 'bot', bot: String(message.sender), ...(typeof data.text === 'string' ? { text: data.text } : {}), category: String(message.category), type: String(message.type) });
  };

  constructor(
    private readonly emulator: Emulator,
    as: string,
    private readonly options: ChatSessionOptions,
  ) {
    this.sender = as.toLowerCase();
    emulator.backend.ensureUser(this.sender);
    emulator.on('bot-message', this.onBotMessage);
  }

  /** Until someone is picked, the first bot registered (even one registered later). */
  current(): Target | undefined {
    if (!this.target) {
      const firstBot = this.emulator.backend.bots.list()[0];
      if (firstBot) this.target = { receiver: firstBot.uid, receiverType: 'user' };
    }
    return this.target;
  }

  /** Whether a target is set (a bot registered later is picked up only while none is). */
  hasTarget(): boolean {
    return this.target !== undefined;
  }

  prompt(): string {
    const t = this.current();
    return `${this.sender} → ${t ? `${t.receiver}${t.receiverType === 'group' ? ' (group)' : ''}` : '(no bot yet: /to <uid>)'} › `;
  }

  static help(): string {
    return `${Object.values(CHAT_COMMANDS).map((u) => u.text).join(' · ')} · /state: bots and groups · /quit`;
  }

  async handle(raw: string): Promise<ChatReply> {
    const line = raw.trim();
    if (line === '/quit') return { lines: [], quit: true };
    if (!line) return { lines: [] };
    const [cmd, arg, ...rest] = line.split(/\s+/);
    const arg2 = rest.length ? line.slice(line.indexOf(rest[0]!, line.indexOf(arg!) + arg!.length)) : undefined;
    const usage = CHAT_COMMANDS[cmd!];
    if (usage && usage.args > (arg2 !== undefined ? 2 : arg !== undefined ? 1 : 0)) return warn(`usage: ${usage.text}`);
    try {
      switch (cmd) {
        case '/help':
          return info(ChatSession.help());
        case '/to':
          this.target = { receiver: arg!.toLowerCase(), receiverType: 'user' };
          return { lines: [] };
        case '/group':
          this.target = { receiver: arg!.toLowerCase(), receiverType: 'group' };
          return { lines: [] };
        case '/as':
          this.sender = arg!.toLowerCase();
          this.emulator.backend.ensureUser(this.sender);
          return { lines: [] };
        case '/join':
        case '/add':
          return this.join(cmd === '/join' ? (this.current()?.receiverType === 'user' ? this.current()!.receiver : undefined) : arg!, cmd === '/join' ? arg! : arg2!);
        case '/state':
          return this.state();
        case '/history':
          return this.history(arg === undefined ? 10 : Number(arg));
        case '/reply':
          return this.say(arg2!, arg!);
        case '/react':
          this.emulator.backend.react(arg!, arg2!, this.sender);
          return info(`${this.sender} reacted ${arg2} to message ${arg}`);
        case '/edit':
          this.emulator.backend.messages.edit(arg!, { data: { text: arg2! } }, this.sender);
          return info(`message ${arg} edited`);
        case '/delete':
          this.emulator.backend.messages.delete(arg!, false, this.sender);
          return info(`message ${arg} deleted`);
        case '/save':
          return info(await this.save(arg!));
        default:
          if (cmd!.startsWith('/')) return warn(`unknown command ${cmd}; try /help`);
          return this.say(line);
      }
    } catch (e) {
      return warn((e as Error).message);
    }
  }

  close(): void {
    this.emulator.off('bot-message', this.onBotMessage);
  }

  private say(text: string, parentId?: string): ChatReply {
    const target = this.current();
    if (!target) return warn('no one to talk to yet: /to <bot uid> (run cometbot init against this emulator first)');
    const sent = this.emulator.userSays(this.sender, target, text, parentId);
    this.transcript.push({ kind: 'user', sender: this.sender, receiver: String(sent.receiver), receiverType: sent.receiverType === 'group' ? 'group' : 'user', text });
    return { lines: [] };
  }

  private join(uid: string | undefined, guid: string): ChatReply {
    const { backend } = this.emulator;
    const group = backend.groups.find(guid);
    if (!uid) return warn('no bot to add yet: /to <bot uid> first, or /add <uid> <guid>');
    if (!group) return warn(`no group ${guid} (groups: ${backend.groups.list().map((g) => g.guid).join(', ') || 'none'})`);
    if (!backend.findUser(uid)) return warn(`no user ${uid}`);
    backend.addMembers(group.guid, [uid]);
    const bot = backend.bots.find(uid);
    return info(`${uid} joined group ${group.guid}${bot ? ` (its groupChatSetting is ${bot.groupChatSetting}${bot.groupChatSetting === 'mentionedMessages' ? `: write <@uid:${bot.uid}> to reach it` : ''})` : ''}`);
  }

  private state(): ChatReply {
    const { backend } = this.emulator;
    return {
      lines: [
        ...backend.bots.list().map((b) => ({ level: 'info' as const, text: `bot ${b.uid}: ${b.enabled ? 'enabled' : 'disabled'}, webhook ${b.webhookURL ?? '(none)'}, groups: ${b.groupChatSetting}` })),
        ...backend.groups.list().map((g) => ({ level: 'info' as const, text: `group ${g.guid}: ${[...g.members.keys()].join(', ')}` })),
      ],
    };
  }

  private history(n: number): ChatReply {
    if (!Number.isInteger(n) || n < 1) return warn(`usage: ${CHAT_COMMANDS['/history']!.text}`);
    const target = this.current();
    if (!target) return warn('no conversation yet: /to <uid> or /group <guid> first');
    const { backend } = this.emulator;
    const conversationId = backend.conversations.idWith(this.sender, target.receiverType === 'group' ? { guid: target.receiver } : { uid: target.receiver });
    const page = backend.history({ conversationId, limit: n, viewer: this.sender });
    if (page.messages.length === 0) return info('(no messages yet)');
    return { lines: page.messages.map((m) => ({ level: 'info', text: describe(m) })) };
  }

  /** /save FILE: the chat so far as a conversation file that `cometbot test` passes against the same bot. */
  private async save(file: string): Promise<string> {
    const { backend } = this.emulator;
    // The bot talked to: the one the last user message reached, else the current target, else the first.
    const lastUser = [...this.transcript].reverse().find((e) => e.kind === 'user');
    const candidates = [lastUser?.kind === 'user' && lastUser.receiverType === 'user' ? lastUser.receiver : undefined, this.target?.receiverType === 'user' ? this.target.receiver : undefined, ...backend.bots.list().map((b) => b.uid)];
    const botUid = candidates.find((uid) => uid !== undefined && backend.bots.find(uid));
    if (!botUid) throw new Error('no bot in this chat yet');
    const bot = backend.bots.find(botUid)!;
    const usedGroups = new Set(this.transcript.flatMap((e) => (e.kind === 'user' && e.receiverType === 'group' ? [e.receiver] : [])));
    const groups = [...usedGroups].flatMap((guid) => {
      const g = backend.groups.find(guid);
      return g ? [{ guid, members: [...g.members.keys()], bot: g.members.has(botUid) }] : [];
    });
    const { chatToConvo } = await import('../core/convo/record.js');
    const { stringify } = await import('yaml');
    const convo = chatToConvo({ bot: botUid, groupChatSetting: bot.groupChatSetting, entries: this.transcript, groups });
    const path = /\.convo\.(ya?ml|json)$/.test(file) ? file : `${file}.convo.yaml`;
    await this.options.writeFile(path, `# Recorded at the cometbot emulate prompt. Run it: cometbot test ${path} --bot-url <your bot>\n${stringify(convo)}`);
    const steps = (convo.tests as { steps: unknown[] }[])[0]!.steps.length;
    return `saved ${steps} step(s) to ${path}: cometbot test ${path} -- <your bot's command>`;
  }
}

/** One history line: "#12 alice: hi (edited) [👍 1]". */
export function describe(m: Message): string {
  const text = m.deletedAt !== undefined ? '(deleted)' : m.category === 'action' ? `(${String(m.data.action)})` : typeof m.data.text === 'string' ? m.data.text : `(${m.category}/${m.type})`;
  const reactions = [...new Set(m.reactions.map((r) => r.reaction))].map((r) => `${r} ${m.reactions.filter((x) => x.reaction === r).length}`);
  return `#${m.id} ${m.sender}: ${text}${m.parentId ? ` (in thread #${m.parentId})` : ''}${m.editedAt !== undefined && m.deletedAt === undefined ? ' (edited)' : ''}${reactions.length ? ` [${reactions.join(', ')}]` : ''}`;
}

const info = (text: string): ChatReply => ({ lines: [{ level: 'info', text }] });
const warn = (text: string): ChatReply => ({ lines: [{ level: 'warn', text }] });
