// Capture records (one JSON line per request) and what a callback payload says. Pure.

export interface CaptureRecord {
  id: string;
  receivedAt: string;
  method: string;
  path: string;
  status: number;
  verdict: 'accepted' | 'rejected';
  reason?: string;
  remoteAddress: string;
  headers: Record<string, string | string[]>;
  bytes: number;
  json: boolean;
  body?: unknown;
  rawBody?: string;
  duplicate?: boolean;
}

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    out[key] = REDACTED_HEADERS.has(key) ? '[redacted]' : value;
  }
  return out;
}

export type RecordMeta = Omit<CaptureRecord, 'body' | 'rawBody'>;

/**
 * One JSONL line. When the body is valid single-line JSON its text is spliced in as is, so the
 * hot path never re-serialises it; a body with raw line breaks is re-serialised to keep one line.
 */
export function captureLine(meta: RecordMeta, body: { text: string; parsed?: unknown } | undefined): string {
  const head = JSON.stringify(meta);
  if (!body) return `${head}\n`;
  if (meta.json) {
    const text = body.text.includes('\n') || body.text.includes('\r') ? JSON.stringify(body.parsed) : body.text;
    return `${head.slice(0, -1)},"body":${text}}\n`;
  }
  return `${head.slice(0, -1)},"rawBody":${JSON.stringify(body.text)}}\n`;
}

export interface MessageSummary {
  trigger?: string;
  id?: string;
  sender?: string;
  receiver?: string;
  receiverType?: string;
  category?: string;
  type?: string;
  text?: string;
  parentId?: string;
  /** An action message (an edit or a delete): what was done, and to which message. */
  action?: string;
  onId?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** The message object inside a callback: `data`, or `data.message` in the newer webhook shape. */
export function messageOf(payload: unknown): Record<string, unknown> | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const data = (payload as { data?: unknown }).data;
  if (!data || typeof data !== 'object') return undefined;
  const inner = (data as { message?: unknown }).message;
  return (inner && typeof inner === 'object' ? inner : data) as Record<string, unknown>;
}

/** Reads the fields a person wants to see, defensively: CometChat does not document this shape. */
export function summarize(payload: unknown): MessageSummary {
  const message = messageOf(payload);
  const trigger = payload && typeof payload === 'object' ? str((payload as { trigger?: unknown }).trigger) : undefined;
  if (!message) return { trigger };
  const data = message.data && typeof message.data === 'object' ? (message.data as Record<string, unknown>) : {};
  if (message.category === 'action') {
    // data.entities.on.entity is the message acted on; its text is the new text of an edit.
    const on = ((data.entities as Record<string, { entity?: Record<string, unknown> }> | undefined)?.on?.entity ?? {}) as Record<string, unknown>;
    const onData = on.data && typeof on.data === 'object' ? (on.data as Record<string, unknown>) : {};
    return {
      trigger,
      id: str(message.id),
      sender: str(message.sender) ?? str((message.sender as { uid?: unknown } | undefined)?.uid),
      receiver: str(message.receiver),
      receiverType: str(message.receiverType),
      category: 'action',
      type: str(message.type),
      action: str(data.action),
      onId: str(on.id),
      ...(str(data.action) === 'edited' && str(onData.text) ? { text: str(onData.text) } : {}),
    };
  }
  return {
    trigger,
    id: str(message.id),
    sender: str(message.sender) ?? str((message.sender as { uid?: unknown } | undefined)?.uid),
    receiver: str(message.receiver) ?? str((message.receiver as { uid?: unknown } | undefined)?.uid),
    receiverType: str(message.receiverType),
    category: str(message.category),
    type: str(message.type),
    text: str(data.text),
    parentId: str(message.parentId),
  };
}

/** Same `trigger` and message id: CometChat delivered it again. */
export function duplicateKey(summary: MessageSummary): string | undefined {
  return summary.id ? `${summary.trigger ?? ''}\u0000${summary.id}` : undefined;
}

/** Where an echo (or any reply) goes: the group for group messages, else the sender. */
export function replyTarget(summary: MessageSummary): { receiver: string; receiverType: 'user' | 'group' } | undefined {
  if (summary.receiverType === 'group' && summary.receiver) return { receiver: summary.receiver, receiverType: 'group' };
  if (summary.sender) return { receiver: summary.sender, receiverType: 'user' };
  return undefined;
}

const SPACE_TO_COLLAPSE = /\s\s|[^\S ]/;

export function preview(text: string | undefined, max = 60): string {
  if (text === undefined) return '';
  // Only the head matters: never run the regex over a whole long message (this runs per request).
  const cut = text.length > max * 2;
  const head = cut ? text.slice(0, max * 2) : text;
  // Collapsing whitespace is needed only where there is a run of it or a tab/newline (rare).
  const flat = (SPACE_TO_COLLAPSE.test(head) ? head.replace(/\s+/g, ' ') : head).trim();
  return flat.length > max || cut ? `${flat.slice(0, max - 1)}…` : flat;
}
