// The emulator's REST answers in the shapes public code relies on, over real HTTP: users with every
// field and an auth token, groups with owner and members, per-uid member answers, history for LLM
// context, app_system sends, /v3.0, edits/deletes/reactions relayed to the bot, and no hang after a 413.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

let emulator: Emulator | undefined;
let bot: Server | undefined;
afterEach(async () => {
  await emulator?.close();
  bot?.closeAllConnections();
  bot?.close();
  emulator = bot = undefined;
});

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = '/v3') {
  const res = await fetch(`${emulator!.url}${base}${path}`, { method, headers: { apikey: TEST_KEY, 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, json: (await res.json()) as any };
}

/** A bot endpoint that hands each callback body to whoever waits for it. */
async function botEndpoint(): Promise<{ url: string; next: () => Promise<any> }> {
  const bodies: any[] = [];
  const waiters: ((b: any) => void)[] = [];
  bot = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      res.end('ok');
      const body = JSON.parse(text);
      const w = waiters.shift();
      if (w) w(body);
      else bodies.push(body);
    });
  });
  await new Promise<void>((r) => bot!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/`, next: () => (bodies.length ? Promise.resolve(bodies.shift()) : new Promise((r) => waiters.push(r))) };
}

describe('emulator REST, as public bots and back ends call it', () => {
  it('keeps metadata, tags, link and role on users, mints an authToken, pages the user list', async () => {
    emulator = await startEmulator();
    const created = await api('POST', '/users', { uid: 'dave', name: 'Dave', link: 'https://x.io', role: 'default', metadata: { '@private': { email: 'd@x.io' } }, tags: ['vip'], withAuthToken: true });
    expect(created.status).toBe(200);
    expect(created.json.data).toMatchObject({ uid: 'dave', link: 'https://x.io', metadata: { '@private': { email: 'd@x.io' } }, tags: ['vip'], authToken: expect.stringMatching(/^dave_/) });
    const updated = await api('PUT', '/users/dave', { role: 'default', tags: ['beta'], metadata: { plan: 'pro' } });
    expect(updated.json.data).toMatchObject({ tags: ['beta'], metadata: { plan: 'pro' } });
    const page = await api('GET', '/users?perPage=2&page=2');
    expect(page.json.data.map((u: any) => u.uid)).toEqual(['carol', 'dave']);
    expect(page.json.meta.pagination).toEqual({ total: 4, count: 2, per_page: 2, current_page: 2, total_pages: 2 });
    expect((await api('GET', '/users?perPage=abc')).json.error.code).toBe('ERR_BAD_REQUEST');
    expect((await api('POST', '/users', { uid: 'erin', name: 42 })).json.error).toMatchObject({ code: 'ERR_BAD_REQUEST', details: { name: [expect.any(String)] } });
  });

  it('creates a group with owner and members so the bot added this way can post; duplicate guid is 400', async () => {
    emulator = await startEmulator();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    const created = await api('POST', '/groups', { guid: 'support', name: 'Support', type: 'private', owner: 'alice', members: { admins: ['bob'], participants: ['helper'] } });
    expect(created.json.data).toMatchObject({ guid: 'support', owner: 'alice', membersCount: 3, members: { admins: { bob: { success: true } }, participants: { helper: { success: true } } } });
    expect((await api('POST', '/bots/helper/messages', { receiver: 'support', receiverType: 'group', category: 'message', type: 'text', data: { text: 'hi' } })).status).toBe(200);
    const again = await api('POST', '/groups/support/members', { participants: ['helper', 'carol'], moderators: ['ghost'] });
    expect(again.json.data.participants.helper).toMatchObject({ success: false, error: { code: 'ERR_ALREADY_JOINED' } });
    expect(again.json.data.participants.carol.success).toBe(true);
    expect(again.json.data.moderators.ghost.error.code).toBe('ERR_UID_NOT_FOUND');
    const members = await api('GET', '/groups/support/members?scopes=admin');
    expect(members.json.data.map((m: any) => [m.uid, m.scope])).toEqual([['alice', 'admin'], ['bob', 'admin']]);
    expect(members.json.meta.pagination.total).toBe(2);
    const seen = await api('GET', '/groups/support', undefined, { onBehalfOf: 'bob' });
    expect(seen.json.data).toMatchObject({ hasJoined: true, scope: 'admin', owner: 'alice', conversationId: 'group_support' });
    const dup = await api('POST', '/groups', { guid: 'support', name: 'Again', type: 'public' });
    expect([dup.status, dup.json.error.code]).toEqual([400, 'ERR_GUID_ALREADY_EXISTS']);
  });

  it('serves history for LLM context: a one-to-one chat on behalf of the bot, a group, one message, a thread', async () => {
    emulator = await startEmulator();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    emulator.setCallbackPolicy({ timeoutMs: 50 });
    const first = await api('POST', '/messages', { receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'q1' } }, { onBehalfOf: 'alice' });
    await api('POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'a1' } });
    await api('POST', '/messages', { receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'q2' } }, { onBehalfOf: 'alice' });
    await api('POST', `/messages/${first.json.data.id}/thread`, { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'threaded' } }, { onBehalfOf: 'helper' });
    const history = await api('GET', '/users/alice/messages?limit=10&hideReplies=true', undefined, { onBehalfOf: 'helper' });
    expect(history.json.data.map((m: any) => m.data.text)).toEqual(['q1', 'a1', 'q2']);
    expect(history.json.meta.current).toEqual({ limit: 10, count: 3 });
    const older = await api('GET', `/users/alice/messages?limit=10&affix=prepend&id=${history.json.data[2].id}`, undefined, { onBehalfOf: 'helper' });
    expect(older.json.data.map((m: any) => m.data.text)).toEqual(['q1', 'a1']);
    const thread = await api('GET', `/messages/${first.json.data.id}/thread`);
    expect(thread.json.data.map((m: any) => m.data.text)).toEqual(['threaded']);
    expect((await api('GET', `/messages/${first.json.data.id}`)).json.data.replyCount).toBe(1);
    const all = await api('GET', '/messages?conversationId=alice_user_helper&limit=2');
    expect(all.json.data.map((m: any) => m.data.text)).toEqual(['q2', 'threaded']);
    expect((await api('GET', '/groups/team/messages', undefined, { onBehalfOf: 'helper' })).json.error.code).toBe('ERR_NOT_A_MEMBER');
  });

  it('sends without onBehalfOf as app_system, and answers on /v3.0 as on /v3', async () => {
    emulator = await startEmulator();
    const sent = await api('POST', '/messages', { receiver: 'bob', receiverType: 'user', category: 'message', type: 'text', data: { text: 'notice' } }, {}, '/v3.0');
    expect(sent.status).toBe(200);
    expect(sent.json.data).toMatchObject({ sender: 'app_system', receiver: 'bob' });
    expect((await api('GET', '/users/bob', undefined, {}, '/v3.0')).json.data.uid).toBe('bob');
    expect((await api('GET', '/users/bob', undefined, {}, '/v2')).json.error.code).toBe('ERR_ROUTE_NOT_FOUND');
  });

  it('relays edits, deletes and reactions of messages the bot can see, as action messages', async () => {
    emulator = await startEmulator();
    const endpoint = await botEndpoint();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: endpoint.url });
    const sent = await api('POST', '/messages', { receiver: 'helper', receiverType: 'user', category: 'message', type: 'text', data: { text: 'helo' } }, { onBehalfOf: 'alice' });
    expect((await endpoint.next()).data.data.text).toBe('helo');
    await api('PUT', `/messages/${sent.json.data.id}`, { data: { text: 'hello' } }, { onBehalfOf: 'alice' });
    const edited = await endpoint.next();
    expect(edited).toMatchObject({ trigger: 'after_message', bot: 'helper', data: { category: 'action', type: 'message', data: { action: 'edited', entities: { on: { entity: { id: sent.json.data.id, data: { text: 'hello' } } } } } } });
    await api('POST', `/messages/${sent.json.data.id}/reactions/👍`, undefined, { onBehalfOf: 'alice' });
    expect((await endpoint.next()).data.data).toMatchObject({ action: 'reactionAdded', reaction: '👍' });
    await api('DELETE', `/messages/${sent.json.data.id}`, undefined, { onBehalfOf: 'alice' });
    expect((await endpoint.next()).data.data.action).toBe('deleted');
    // The bot's own edits are not relayed back to it.
    const reply = await api('POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'hi' } });
    await api('PUT', `/messages/${reply.json.data.id}`, { data: { text: 'hi!' } }, { onBehalfOf: 'helper' });
    await emulator.idle();
    expect(emulator.backend.deliveries().map((d) => d.bot)).toEqual(['helper', 'helper', 'helper', 'helper']);
  });

  it('keeps a parentId sent to Send Bot Message out of any thread and flags it in the outbox', async () => {
    emulator = await startEmulator();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    const sent = await api('POST', '/bots/helper/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', parentId: '1', data: { text: 'in a thread?' } });
    expect(sent.status).toBe(200);
    expect(sent.json.data).not.toHaveProperty('parentId');
    expect(emulator.outbox.at(-1)!.warning).toMatch(/^parentId is not a field of Send Bot Message.*POST \/messages\/\{id\}\/thread/);
  });

  it('an oversized body is 413 with the connection closed: the next call on a keep-alive agent is answered at once', async () => {
    emulator = await startEmulator();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const port = Number(new URL(emulator.url).port);
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; connection?: string; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { apikey: TEST_KEY, 'content-type': 'application/json', ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const big = JSON.stringify({ uid: 'big', name: 'x'.repeat(1024 * 1024 + 10) });
    const refused = await send('POST', '/v3/users', big);
    expect([refused.status, JSON.parse(refused.text).error.code, refused.connection]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE', 'close']);
    const next = await send('GET', '/v3/users/alice');
    expect(next.status).toBe(200);
    // A refused call other than 413 keeps the connection usable.
    const bad = await send('GET', '/v3/users/ghost');
    expect([bad.status, bad.connection]).toEqual([404, 'keep-alive']);
    expect((await send('GET', '/v3/users/bob')).status).toBe(200);
    agent.destroy();
  });

  it('nothing a request sends makes it answer 500', async () => {
    emulator = await startEmulator();
    const weird: [string, string, unknown][] = [
      ['POST', '/messages', { receiver: ['a'], receiverType: 'user', data: { text: 'x' } }],
      ['POST', '/messages', { receiver: 'bob', receiverType: 'user', category: 7, data: { text: 'x' } }],
      ['POST', '/messages', { receiver: 'bob', receiverType: 'user', multipleReceivers: { uids: 'bob' }, data: { text: 'x' } }],
      ['POST', '/groups', { guid: 'g', name: 'G', type: 'public', members: 'everyone' }],
      ['POST', '/groups', { guid: 'g2', name: 'G', type: 'public', members: { admins: [1, 2] } }],
      ['PUT', '/groups/team/members/alice', { scope: 'king' }],
      ['GET', '/messages?limit=-1', undefined],
      ['GET', '/users/%E0%A4%A', undefined],
      ['POST', '/users/alice/friends', { accepted: 'bob' }],
      ['PATCH', '/messages/1/interacted', { interactions: [{}] }],
      ['DELETE', '/users/alice/conversation/read', { messageId: { id: 1 } }],
      ['PUT', '/users/alice', { unset: ['uid'] }],
      ['GET', '/conversations/whatever', undefined],
    ];
    for (const [method, path, body] of weird) {
      const r = await api(method, path, body, { onBehalfOf: 'alice' });
      expect([method, path, r.status < 500, typeof r.json.error?.code]).toEqual([method, path, true, 'string']);
    }
    expect((await api('GET', '/users/alice')).status).toBe(200);
  });
});

describe('emulator REST under hostile input', () => {
  it('answers every served operation with a CometChat error, never a 500, whatever the body, query and ids (seeded fuzz)', async () => {
    emulator = await startEmulator();
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    emulator.setCallbackPolicy({ timeoutMs: 20, retryDelaysMs: [] });
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const values: unknown[] = [null, true, 0, -1, 1.5, 1e21, '', ' ', 'alice', 'team', 'helper', '1', 'x'.repeat(300), [], ['alice'], [1, null], {}, { uid: 'bob' }, { text: 'hi' }, '__proto__', { __proto__: { admin: true } }];
    const fields = ['uid', 'name', 'guid', 'type', 'receiver', 'receiverType', 'category', 'data', 'tags', 'metadata', 'members', 'admins', 'participants', 'moderators', 'scope', 'owner', 'unset', 'permanent', 'force', 'accepted', 'friends', 'blockedUids', 'uidsToActivate', 'uidsToDeactivate', 'interactions', 'messageId', 'multipleReceivers', 'withAuthToken', 'role', 'featuresToRestrict', 'featuresToAllow', 'allowAll', 'settings', 'password', 'webhookURL', 'enabled', 'groupChatSetting'];
    const ids = ['alice', 'team', 'helper', '1', '2', 'ghost', '%F0%9F%91%8D', 'alice_user_bob', 'group_team', 'default', '..', '%00'];
    const queries = ['', '?perPage=0', '?perPage=5&page=99', '?limit=abc', '?affix=sideways', '?id=1&affix=append', '?tags=a,b&types[]=text', '?hideReplies=maybe', '?sentAt=-5', '?searchKey=%25'];
    const statuses = new Map<number, number>();
    for (const op of emulator.operations()) {
      for (let i = 0; i < 12; i++) {
        const path = op.path.replace(/\{[^}]+\}/g, () => pick(ids)) + pick(queries);
        const body = Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, () => [pick(fields), pick(values)]));
        const headers = rand() < 0.5 ? { onBehalfOf: pick(['alice', 'bob', 'ghost', 'helper', 'app_system']) } : {};
        const r = await api(op.method, path, op.method === "GET" ? undefined : body, headers);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        expect([op.method, path, JSON.stringify(body), r.status < 500 || r.status === 501, r.status < 400 || typeof r.json.error?.code === 'string']).toEqual([op.method, path, JSON.stringify(body), true, true]);
      }
    }
    // The fuzz reached both answers and refusals.
    expect(statuses.get(200)).toBeGreaterThan(20);
    expect(statuses.get(400)).toBeGreaterThan(20);
    expect((await api('POST', '/users', { uid: 'after-fuzz', name: 'Still serving' })).status).toBe(200);
  });
});
