// The emulator's history reads: a conversation of 200 messages read over HTTP as a bot reads it for
// LLM context (GET /users/{uid}/messages on behalf of the bot), one page of 100 and all 200 in two
// cursor pages. Target: the 200-message read answers in ≤ 5 ms (median over keep-alive requests).
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = 300;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function historyBench() {
  const { Emulator } = await import(join(root, 'dist', 'emulator', 'server.js'));
  const emulator = await new Emulator({ apiKey: 'bench', retryDelaysMs: [] }).start();
  try {
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    // History as a bot sees it after a long chat: the bot's replies and the user's messages, stored directly.
    for (let i = 0; i < 200; i++) {
      const [from, to] = i % 2 ? ['helper', 'alice'] : ['alice', 'helper'];
      emulator.backend.messages.send(from, { receiver: to, receiverType: 'user', category: 'message', type: 'text', data: { text: `message ${i} ${'lorem ipsum '.repeat(8)}`, metadata: { i } } }, { via: 'system' });
    }
    // A lean keep-alive client that reads the answer whole but does not parse it: the figure is the
    // emulator's answer time, not a client's JSON parsing.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(emulator.url);
    const read = (query) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: `/v3/users/alice/messages?${query}`, agent, headers: { apikey: 'bench', onBehalfOf: 'helper' } }, (res) => {
          let bytes = 0;
          res.on('data', (d) => (bytes += d.length));
          res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`status ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    const ids = emulator.backend.history({ conversationId: 'alice_user_helper', limit: 100, affix: 'append' }).messages.map((m) => m.id);
    const time = async (fn) => {
      const ms = [];
      for (let i = 0; i < 30; i++) await fn(); // warm-up
      for (let i = 0; i < ROUNDS; i++) {
        const start = performance.now();
        await fn();
        ms.push(performance.now() - start);
      }
      return { medianMs: +median(ms).toFixed(2), p95Ms: +[...ms].sort((a, b) => a - b)[Math.floor(ms.length * 0.95)].toFixed(2) };
    };
    // Once, parsed: the two reads do return all 200 messages.
    const get = (q) => fetch(`${emulator.baseUrl}/users/alice/messages?${q}`, { headers: { apikey: 'bench', onBehalfOf: 'helper' } }).then((r) => r.json());
    const got = [...(await get('limit=100&affix=append')).data, ...(await get(`limit=100&affix=append&id=${ids.at(-1)}`)).data];
    if (new Set(got.map((m) => m.id)).size !== 200) throw new Error(`the two reads returned ${got.length} messages, not 200`);
    const page = await time(() => read('limit=100'));
    const all = await time(async () => {
      await read('limit=100&affix=append');
      await read(`limit=100&affix=append&id=${ids.at(-1)}`);
    });
    const result = { page100: page, all200: all, target: '200-message read ≤ 5 ms', ok: all.medianMs <= 5 };
    console.log(`\nemulator history: 100 messages in one read ${page.medianMs} ms (p95 ${page.p95Ms}); 200 in two cursor reads ${all.medianMs} ms (p95 ${all.p95Ms}) — target ≤ 5 ms ${result.ok ? 'met' : 'MISSED'}`);
    agent.destroy();
    return result;
  } finally {
    await emulator.close();
  }
}
