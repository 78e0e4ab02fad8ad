// Small bots for the tests, on 127.0.0.1:0: each answers CometChat's callback its own (right or wrong)
// way and replies through the emulator's REST API.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Callback {
  trigger: string;
  bot: string;
  data: { id: string; sender: string; receiver: string; receiverType: 'user' | 'group'; type: string; category: string; data: { text?: string; [k: string]: unknown }; parentId?: string };
}

export interface Reply {
  receiver: string;
  receiverType: 'user' | 'group';
  text?: string;
  category?: string;
  type?: string;
  data?: Record<string, unknown>;
  /** Wait this long before sending this reply. */
  afterMs?: number;
}

export interface Behaviour {
  /** Status of the ack (default 200), or per callback. */
  ackStatus?: number | ((cb: Callback) => number);
  /** Wait this long before sending a callback's replies (after the ack), per callback. */
  replyDelayMs?: (cb: Callback) => number;
  /** Delay before the ack, ms. */
  ackDelayMs?: number;
  /** The replies to one callback (default: echo to the sender, or to the group). */
  replies?: (cb: Callback) => Reply[];
  /** Remember data.id and do not answer a redelivery (default true). */
  dedupe?: boolean;
  /** Send the replies before answering the callback (a common mistake, and a way to order events). */
  replyBeforeAck?: boolean;
}

export interface TestBot {
  url: string;
  /** The REST base the bot replies to: set once the emulator is up. */
  apiUrl: string;
  apiKey: string;
  callbacks: Callback[];
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

export const echo = (cb: Callback): Reply[] => [
  { receiver: cb.data.receiverType === 'group' ? cb.data.receiver : cb.data.sender, receiverType: cb.data.receiverType, text: `echo: ${(cb.data.data.text ?? '').replace(/<@uid:[^>]+>\s*/g, '')}` },
];

export async function startBot(behaviour: Behaviour = {}): Promise<TestBot> {
  const seen = new Set<string>();
  const bot: TestBot = { url: '', apiUrl: '', apiKey: 'test-key', callbacks: [], authorizations: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      bot.authorizations.push(req.headers.authorization);
      const cb = JSON.parse(body) as Callback;
      bot.callbacks.push(cb);
      const status = typeof behaviour.ackStatus === 'function' ? behaviour.ackStatus(cb) : (behaviour.ackStatus ?? 200);
      const ack = () => res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      if (behaviour.ackDelayMs) await new Promise((r) => setTimeout(r, behaviour.ackDelayMs));
      if (!behaviour.replyBeforeAck) ack();
      if (!(behaviour.dedupe ?? true) || !seen.has(cb.data.id)) {
        seen.add(cb.data.id);
        const delay = behaviour.replyDelayMs?.(cb) ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        for (const r of (behaviour.replies ?? echo)(cb)) {
          const { text, category = 'message', type = 'text', data, afterMs, ...target } = r;
          if (afterMs) await new Promise((done) => setTimeout(done, afterMs));
          await fetch(`${bot.apiUrl}/bots/${cb.bot}/messages`, {
            method: 'POST',
            headers: { apikey: bot.apiKey, 'content-type': 'application/json' },
            body: JSON.stringify({ ...target, category, type, data: data ?? { text } }),
          }).then((x) => x.arrayBuffer(), () => undefined); // a reply after the run ended finds no emulator: fine
        }
      }
      if (behaviour.replyBeforeAck) ack();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  bot.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  bot.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return bot;
}
