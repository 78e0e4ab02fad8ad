// What `cometbot dev --emulate` prints for each turn: the callback and how the bot answered it, then its
// replies, each as they happen. Text from the bot and users is made terminal-safe.
import type { Output } from '../adapters/output.js';
import type { Emulator } from '../emulator/server.js';
import type { ListenSession } from '../listen/session.js';
import type { Printer } from './emulate.js';
import { safeLine } from '../core/terminal-text.js';
import { describeMessage, messageWhat, messageWhere } from '../core/describe-message.js';

export function watchTurns(emulator: Emulator, out: Output, botUid: string, printer: Printer): void {
  /** When each user message was sent, by message id: a reply's time counts from there. */
  const sentAt = new Map<string, number>();
  emulator.on('delivery', (d) => {
    const attempt = d.attempts.at(-1)!;
    const m = emulator.backend.message(d.messageId);
    const said = m ? describeMessage({ ...m, parentId: undefined }) : `message ${d.messageId}`;
    const ack = attempt.status !== undefined ? `${attempt.status} in ${attempt.ms} ms` : attempt.error ?? 'no answer';
    // CometChat's retry of the same callback (same data.id): not a new message.
    const again = d.redeliveryOf !== undefined ? ` (redelivery of callback #${d.redeliveryOf})` : d.attempts.length > 1 ? ` (retry ${d.attempts.length - 1})` : '';
    const ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
    printer.before();
    out.data(`${safeLine(said)}${out.colors.dim(again)}  ${ok ? out.colors.green(`⇢ ${ack}`) : out.colors.red(`⇢ ${ack}`)}`);
    printer.after();
  });
  emulator.on('bot-message', ({ message, callbackId }) => {
    if (message.sender !== botUid) return;
    const delivery = callbackId !== undefined ? emulator.backend.delivery(callbackId) : undefined;
    const since = delivery ? sentAt.get(delivery.messageId) : undefined;
    printer.before();
    out.data(`  ${out.colors.magenta('↳')} ${safeLine(`${botUid} → ${messageWhere(message)}: ${messageWhat(message)}`)}${since !== undefined ? out.colors.dim(` (${Math.round(performance.now() - since)} ms)`) : ''}`);
    printer.after();
  });
  emulator.on('message', (m) => {
    if (m.sender === botUid) return;
    sentAt.set(String(m.id), performance.now());
    if (sentAt.size > 1_000) sentAt.delete(sentAt.keys().next().value!);
  });
  emulator.on('not-relayed', (e) => {
    printer.before();
    for (const s of e.skipped) if (s.bot === botUid) out.data(out.colors.dim(`${safeLine(`${String(e.message.sender)}: ${String((e.message.data as { text?: unknown }).text ?? '')}`)}  · not relayed: ${safeLine(s.reason)}`));
    printer.after();
  });
}

/**
 * What `cometbot dev --tunnel` prints for each turn: the callback CometChat sent and how the bot answered
 * it when it was forwarded (the bot's replies go to the real CometChat), and what the session reports.
 */
export function watchCallbacks(session: ListenSession, out: Output, botUid: string): void {
  const said = new Map<string, string>();
  session.on('request', ({ record, summary }) => {
    const line = describeMessage({ ...summary, receiver: summary.receiver ?? botUid, data: { text: summary.text, action: summary.action }, parentId: undefined });
    said.set(record.id, `${line}${record.duplicate ? ' (redelivery)' : ''}`);
  });
  session.on('forward', (r) => {
    const line = said.get(r.id) ?? r.id;
    said.delete(r.id);
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const ack = r.status !== null ? `${r.status} in ${r.ms} ms` : `not answered: ${r.error ?? 'no answer'}`;
    out.data(`${safeLine(line)}  ${ok ? out.colors.green(`⇢ ${ack}`) : out.colors.red(`⇢ ${ack}`)}`);
  });
  session.on('registered', ({ uid, url, enabled }) => out.success(enabled ? `webhook of bot ${uid} set to ${url}` : `bot ${uid} disabled (--cleanup)`));
  session.on('register-failed', ({ uid, error }) => out.warn(`could not register the webhook of ${uid} (${safeLine(error)}); set it in the dashboard`));
  session.on('tunnel', ({ status }) => out.info(out.errColors.dim(`tunnel ${status}`)));
  session.on('tunnel-failed', ({ error }) => out.warn(`could not open the ngrok tunnel: ${safeLine(error)}; continuing local-only`));
  session.on('warning', (line) => out.warn(line));
}
