// How a message reads in one line, everywhere cometbot shows one (test transcripts, emulate, dev):
// "alice → support (group): hi", "bot → alice [thread #7]: (image) a photo", "(custom poll) {…}".
// Plain text: callers make it terminal-safe where it reaches a terminal.

/** The fields a message line is made of; CometChat's message objects and callback summaries both fit. */
export interface MessageLike {
  sender?: unknown;
  receiver?: unknown;
  receiverType?: unknown;
  category?: unknown;
  type?: unknown;
  parentId?: unknown;
  data?: unknown;
}

/** What the message says: its text, or what kind of message it is. */
export function messageWhat(m: MessageLike): string {
  const data = (typeof m.data === 'object' && m.data !== null ? m.data : {}) as { text?: unknown; customData?: unknown; action?: unknown };
  const text = typeof data.text === 'string' ? data.text : undefined;
  if (m.category === 'custom') return `(custom ${String(m.type)}) ${JSON.stringify(data.customData ?? {})}`;
  if (m.category === 'action') return `(${String(data.action ?? m.type)})`;
  if (text !== undefined) return m.type === 'text' || m.type === undefined ? text : `(${String(m.type)}) ${text}`;
  return `(${String(m.category)}/${String(m.type)})`;
}

/** Where it went: a user's uid, or "guid (group)". */
export function messageWhere(m: MessageLike): string {
  return m.receiverType === 'group' ? `${String(m.receiver)} (group)` : String(m.receiver);
}

/** "sender → where [thread #id]: what". */
export function describeMessage(m: MessageLike): string {
  return `${String(m.sender)} → ${messageWhere(m)}${m.parentId ? ` [thread #${String(m.parentId)}]` : ''}: ${messageWhat(m)}`;
}
