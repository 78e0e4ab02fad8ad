// What a day of captured traffic holds (`captures stats`): counts by trigger and kind, CometChat's
// redeliveries with their delays, and which kinds no conversation test sends yet.
import type { Kind } from './payloads.js';
import type { ConvoFile } from './convo/model.js';
import { mediaType } from './convo/user-message.js';
import { duplicateKey, summarize, type MessageSummary } from './capture.js';

/** The trigger kind a captured callback is, in `cometbot trigger`'s words. */
export function kindOf(summary: MessageSummary, hasMention: boolean): Kind | undefined {
  if (summary.category === 'action') return summary.action === 'deleted' ? 'deleted' : summary.action === 'edited' ? 'edited' : undefined;
  if (summary.category === 'custom') return 'custom';
  if (summary.type && ['image', 'file', 'audio', 'video'].includes(summary.type)) return summary.type as Kind;
  if (summary.parentId) return 'thread';
  if (hasMention) return 'mention';
  if (summary.receiverType === 'group') return 'group';
  return summary.category === 'message' ? 'text' : undefined;
}

/** The kinds the user steps of these conversation files send. */
export function kindsTested(files: ConvoFile[]): Set<Kind> {
  const kinds = new Set<Kind>();
  for (const f of files) {
    for (const c of f.tests) {
      for (const s of c.steps) {
        if (s.kind !== 'user') continue;
        if (s.custom) kinds.add('custom');
        else if (s.attachment) kinds.add(mediaType(s.attachment.mimeType));
        else if (s.thread) kinds.add('thread');
        else if (s.mention.length) kinds.add('mention');
        else if (s.group) kinds.add('group');
        else kinds.add('text');
      }
    }
  }
  return kinds;
}

export interface CaptureStats {
  records: number;
  accepted: number;
  rejected: number;
  byTrigger: Record<string, number>;
  byType: Record<string, number>;
  byReceiverType: Record<string, number>;
  byKind: Record<string, number>;
  threads: number;
  mentions: number;
  redeliveries: { id: string; deliveries: number; delaysMs: number[] }[];
}

export class StatsCounter {
  private readonly s: CaptureStats = { records: 0, accepted: 0, rejected: 0, byTrigger: {}, byType: {}, byReceiverType: {}, byKind: {}, threads: 0, mentions: 0, redeliveries: [] };
  /** Delivery times of each callback (trigger + data.id); bounded to the newest 100,000 callbacks. */
  private readonly deliveries = new Map<string, { id: string; at: number[] }>();

  add(record: { verdict: string; body?: unknown; receivedAt: string }): void {
    this.s.records++;
    if (record.verdict !== 'accepted') {
      this.s.rejected++;
      return;
    }
    this.s.accepted++;
    if (record.body === undefined) return;
    const summary = summarize(record.body);
    const text = summary.text ?? '';
    const dataMentions = ((record.body as { data?: { data?: { mentions?: unknown }; message?: { data?: { mentions?: unknown } } } }).data?.data?.mentions) ?? undefined;
    const hasMention = /<@uid:[^>]+>/.test(text) || (typeof dataMentions === 'object' && dataMentions !== null && Object.keys(dataMentions).length > 0);
    const bump = (map: Record<string, number>, key: string | undefined) => {
      if (key) map[key] = (map[key] ?? 0) + 1;
    };
    bump(this.s.byTrigger, summary.trigger ?? '(none)');
    bump(this.s.byType, summary.category ? `${summary.category}/${summary.type ?? '?'}` : undefined);
    bump(this.s.byReceiverType, summary.receiverType);
    bump(this.s.byKind, kindOf(summary, hasMention));
    if (summary.parentId) this.s.threads++;
    if (hasMention) this.s.mentions++;
    const key = duplicateKey(summary);
    if (key) {
      const d = this.deliveries.get(key) ?? { id: summary.id ?? '?', at: [] };
      d.at.push(Date.parse(record.receivedAt));
      this.deliveries.set(key, d);
      if (this.deliveries.size > 100_000) this.deliveries.delete(this.deliveries.keys().next().value!);
    }
  }

  result(): CaptureStats {
    const redeliveries = [...this.deliveries.values()]
      .filter((d) => d.at.length > 1)
      .map((d) => ({ id: d.id, deliveries: d.at.length, delaysMs: d.at.slice(1).map((t, i) => t - d.at[i]!) }));
    return { ...this.s, redeliveries };
  }
}
