// A tiny CometChat bot in plain Node (no dependencies): it answers every callback with 200 at once,
// then echoes the text back through the Send Bot Message API. It dedupes redelivered callbacks on
// data.id, replies in the group for group messages, and retries a 429 after Retry-After.
//
//   PORT=3000 COMETCHAT_API_URL=http://127.0.0.1:4747/v3 COMETCHAT_API_KEY=any node bot.js
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const port = Number(process.env.PORT ?? 3000);
const apiUrl = (process.env.COMETCHAT_API_URL ?? `https://${process.env.COMETCHAT_APP_ID}.api-${process.env.COMETCHAT_REGION ?? 'us'}.cometchat.io/v3`).replace(/\/+$/, '');
const apiKey = process.env.COMETCHAT_API_KEY ?? '';
// Basic Auth the callback must carry, when the environment names it.
const expectedAuth = process.env.COMETCHAT_CALLBACK_USERNAME
  ? `Basic ${Buffer.from(`${process.env.COMETCHAT_CALLBACK_USERNAME}:${process.env.COMETCHAT_CALLBACK_PASSWORD ?? ''}`).toString('base64')}`
  : undefined;

const seen = new Set(); // data.id of callbacks already handled (CometChat may redeliver)

const server = createServer((req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  if (expectedAuth && req.headers.authorization !== expectedAuth) return res.writeHead(401).end();
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); // ack first
    let callback;
    try {
      callback = JSON.parse(body);
    } catch {
      return;
    }
    const message = callback.data?.message ?? callback.data;
    if (!message || seen.has(message.id)) return;
    seen.add(message.id);
    if (message.sender === callback.bot) return; // never answer ourselves
    void reply(callback.bot, message).catch((e) => console.error(`reply failed: ${e.message}`));
  });
});

async function reply(botUid, message) {
  const toGroup = message.receiverType === 'group';
  const text = message.data?.text?.replace(/<@uid:[^>]+>\s*/g, '') ?? `(${message.type})`;
  const body = JSON.stringify({
    receiver: toGroup ? message.receiver : message.sender,
    receiverType: toGroup ? 'group' : 'user',
    category: 'message',
    type: 'text',
    data: { text: `echo: ${text}` },
    muid: randomUUID(), // kept across retries, so a retried send is not a second message
  });
  for (let attempt = 1; attempt <= 3; attempt++) {
    const res = await fetch(`${apiUrl}/bots/${botUid}/messages`, { method: 'POST', headers: { apikey: apiKey, 'content-type': 'application/json' }, body });
    if (res.status !== 429) {
      if (!res.ok) console.error(`send failed: ${res.status} ${await res.text()}`);
      return;
    }
    const wait = Number(res.headers.get('retry-after') ?? 1);
    console.log(`rate limited, retrying in ${wait} s`);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

server.listen(port, '127.0.0.1', () => console.log(`echo bot on http://127.0.0.1:${port}/`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
