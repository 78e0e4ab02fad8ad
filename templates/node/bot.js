// {{uid}}: a CometChat custom bot in one file, Node's standard library only (http + fetch).
//
// CometChat POSTs a JSON callback here for every message relayed to the bot. The bot checks Basic
// Auth, answers 200 at once (CometChat waits about 2 s), then replies through the Send Bot Message
// API, in the thread for a thread reply. Every setting comes from the environment that `cometbot
// test`, `cometbot dev` and your production host give it, so the same code runs in all three.
import { createServer } from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';

const env = process.env;
const PORT = Number(env.PORT || 3000);
const BOT_UID = env.COMETCHAT_BOT_UID || '{{uid}}';
const API_KEY = env.COMETCHAT_API_KEY || '';
const API_URL = (env.COMETCHAT_API_URL || `https://${env.COMETCHAT_APP_ID}.api-${env.COMETCHAT_REGION || 'us'}.cometchat.io/v3`).replace(/\/+$/, '');
const USERNAME = env.COMETCHAT_CALLBACK_USERNAME || '';
const PASSWORD = env.COMETCHAT_CALLBACK_PASSWORD || '';
const MAX_BODY = 1024 * 1024; // callbacks are small; a bigger body is not CometChat's
const MAX_ATTEMPTS = 3; // a reply rate-limited (429) this many times is given up

if (!API_KEY || (!env.COMETCHAT_API_URL && !env.COMETCHAT_APP_ID)) {
  console.error('error: set COMETCHAT_API_KEY and COMETCHAT_APP_ID (or COMETCHAT_API_URL); cometbot test and cometbot dev set them for you');
  process.exit(1);
}
if (!USERNAME) console.warn('warning: COMETCHAT_CALLBACK_USERNAME is not set, so callbacks are not authenticated');

/** The reply to a text. Your bot's logic goes here. */
function answer(text) {
  return `echo: ${text}`;
}

// --- Basic Auth, compared in constant time (hashes have equal lengths, as timingSafeEqual needs).
const digest = (value) => createHash('sha256').update(value).digest();
const expected = digest(`Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`);
function authorized(header) {
  return !USERNAME || timingSafeEqual(digest(header ?? ''), expected);
}

// --- CometChat may deliver a callback again (same data.id): answer each message once.
const seen = new Set();
function firstDelivery(id) {
  if (seen.has(id)) return false;
  seen.add(id);
  if (seen.size > 1000) seen.delete(seen.values().next().value); // bounded: forget the oldest
  return true;
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
  if (!authorized(req.headers.authorization)) return void res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    if (res.headersSent) return;
    size += chunk.length;
    if (size > MAX_BODY) res.writeHead(413, { connection: 'close' }).end(() => req.destroy());
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); // ack first, work after
    let callback;
    try {
      callback = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return console.log('ignored: the body is not JSON');
    }
    handle(callback).catch((e) => console.error(`error: ${e.message}`));
  });
});

async function handle(callback) {
  // The custom bot's callback carries the message in data; a message webhook in data.message.
  const message = callback?.data?.message ?? callback?.data;
  if (!message || typeof message !== 'object' || message.id === undefined) return console.log('ignored: no message in the callback');
  if (!firstDelivery(String(message.id))) return console.log(`#${message.id} delivered again: already answered`);
  const sender = message.sender ?? message.data?.entities?.sender?.entity?.uid;
  if (!sender || sender === BOT_UID) return; // never answer ourselves
  if (message.category !== 'message' || message.editedAt || message.deletedAt) return console.log(`#${message.id} ${message.category}/${message.type}: ignored`);
  const text = typeof message.data?.text === 'string' ? message.data.text.replace(/<@uid:[^>]+>\s*/g, '').trim() : `(a ${message.type} message)`;
  const inGroup = message.receiverType === 'group';
  const reply = {
    receiver: inGroup && message.receiver ? message.receiver : sender,
    receiverType: inGroup ? 'group' : 'user',
    category: 'message',
    type: 'text',
    data: { text: answer(text) },
    muid: randomUUID(), // the same on every retry, so a retried send is not a second message
  };
  const started = Date.now();
  const status = await send(reply, message.parentId);
  console.log(`#${message.id} ${sender}${inGroup ? ` in ${message.receiver}` : ''}: ${JSON.stringify(text)} → ${JSON.stringify(reply.data.text)} (${status}, ${Date.now() - started} ms)`);
}

/**
 * Sends as the bot: POST /bots/{uid}/messages, or for a reply in a thread POST /messages/{id}/thread on
 * behalf of the bot (the bot message has no parentId). Retried after Retry-After when CometChat answers 429.
 */
async function send(body, threadOf) {
  const url = threadOf ? `${API_URL}/messages/${encodeURIComponent(threadOf)}/thread` : `${API_URL}/bots/${encodeURIComponent(BOT_UID)}/messages`;
  const headers = { apikey: API_KEY, 'content-type': 'application/json', accept: 'application/json' };
  if (threadOf) headers.onBehalfOf = BOT_UID;
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (res.status === 429 && attempt < MAX_ATTEMPTS) {
      const wait = Math.min(Number(res.headers.get('retry-after')) || 1, 30);
      console.log(`rate limited: retrying in ${wait} s`);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    if (!res.ok) console.error(`send failed: ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res.status;
  }
}

server.listen(PORT, () => console.log(`${BOT_UID} listening on port ${PORT}, replying through ${API_URL}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
