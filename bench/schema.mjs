// Schema inference over 10,000 varied captured payloads: target ≤ 1 s and < 200 MB.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

function payload(i) {
  const group = i % 3 === 0;
  const kinds = ['text', 'image', 'custom', 'thread', 'mention', 'newer'];
  const kind = kinds[i % kinds.length];
  const message = {
    id: String(10_000 + i), conversationId: group ? `group_g${i % 40}` : `u${i % 500}_user_bot`, sender: `u${i % 500}`,
    receiverType: group ? 'group' : 'user', receiver: group ? `g${i % 40}` : 'bot',
    category: kind === 'custom' ? 'custom' : 'message', type: kind === 'image' ? 'image' : kind === 'custom' ? ['poll', 'location', 'card'][i % 3] : 'text',
    data: {
      ...(kind === 'custom' ? { customData: { question: `q${i}`, options: ['a', 'b', String(i)], weight: i / 7 } } : { text: `message number ${i} ${'lorem '.repeat(i % 20)}` }),
      ...(kind === 'image' ? { attachments: [{ url: `https://cdn.example/${i}.jpg`, name: `${i}.jpg`, mimeType: 'image/jpeg', extension: 'jpg', size: 1000 + i }] } : {}),
      ...(kind === 'mention' ? { mentions: { [`u${i % 50}`]: { uid: `u${i % 50}`, name: `User ${i % 50}` } } } : {}),
      ...(i % 5 === 0 ? { metadata: { locale: ['en', 'de', 'fr'][i % 3], score: i % 2 ? i : null } } : {}),
      entities: { sender: { entity: { uid: `u${i % 500}`, name: `User ${i % 500}`, status: i % 2 ? 'available' : 'offline', role: 'default', lastActiveAt: 1680000000 + i }, entityType: 'user' } },
    },
    ...(kind === 'thread' ? { parentId: String(i - 1) } : {}),
    sentAt: 1680125130 + i, updatedAt: 1680125130 + i,
  };
  return kind === 'newer'
    ? { trigger: 'message_sent', data: { message }, appId: 'app', region: 'eu', webhook: 'w' }
    : { trigger: 'after_message', data: message, appId: 'app', origin: { platform: 'web', language: 'reactjs', resource: 'chat-widget' }, chatAPIVersion: '3.0', region: 'eu', bot: 'bot' };
}

export async function schemaBench() {
  const { SchemaInferrer } = await import(join(root, 'dist', 'core', 'schema.js'));
  // Payloads arrive as JSON text in capture files: parse them as part of the measured work.
  const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(payload(i)));
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const inferrer = new SchemaInferrer();
  for (const line of lines) inferrer.add(JSON.parse(line));
  const schema = JSON.stringify(inferrer.toJsonSchema());
  const ms = performance.now() - start;
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  console.log(`\nschema inference: 10,000 payloads in ${ms.toFixed(0)} ms (target ≤ 1000 ms), RSS ${rssMb.toFixed(0)} MB (target < 200 MB; +${((process.memoryUsage().rss - before) / 1024 / 1024).toFixed(0)} MB), schema ${schema.length} bytes`);
  return { ms: Math.round(ms), rssMb: Math.round(rssMb) };
}
