// Acceptance: the REST calls public CometChat bots and back ends make (research/fidelity.md: 35
// codebases, each (codebase, endpoint) use weighted by how many codebases make it), replayed in the
// shapes they send them — host form, header spelling, body — and scored against how CometChat answers
// them (the status, and the fields of the OpenAPI's answer that code reads, or CometChat's error code).
// Before the emulator issue 36 % of these uses were answered right; the bar is 90 %.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

type Host = 'base' | 'subdomain' | 'legacy';
interface PublicCall {
  what: string;
  /** How many of the 35 codebases make this call in this shape. */
  uses: number;
  method: string;
  path: string;
  host?: Host;
  headers?: Record<string, string>;
  body?: unknown;
  /** `{name}` in path/body: the `data.id` (or `save` path) of an earlier answer. */
  save?: [name: string, dotPath: string];
  status: number;
  /** Dot paths the answer must have (code reads them), or the error code it must carry. */
  fields?: string[];
  code?: string;
}

const text = (receiver: string, receiverType: 'user' | 'group', t: string) => ({ receiver, receiverType, category: 'message', type: 'text', data: { text: t } });

const CALLS: PublicCall[] = [
  // Users
  { what: 'create a user {uid, name}', uses: 6, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'u-basic', name: 'Basic' }, status: 200, fields: ['data.uid', 'data.name', 'data.status', 'data.role', 'data.createdAt'] },
  { what: 'create a user on the older api-{region} host with appId/apiKey headers', uses: 2, method: 'POST', path: '/users', host: 'legacy', body: { uid: 'u-legacy', name: 'Legacy' }, status: 200, fields: ['data.uid'] },
  { what: 'create a user with fields CometChat ignores', uses: 2, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'u-extra', name: 'Extra', email: 'x@example.com', sender: 'app' }, status: 200, fields: ['data.uid'] },
  { what: 'create a user that exists: branch on ERR_UID_ALREADY_EXISTS', uses: 2, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'alice', name: 'Alice' }, status: 409, code: 'ERR_UID_ALREADY_EXISTS' },
  { what: 'create a user with metadata (@private) and tags, read back', uses: 4, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'u-meta', name: 'Meta', metadata: { '@private': { email: 'm@example.com' }, plan: 'pro' }, tags: ['customer'] }, status: 200, fields: ['data.metadata.@private.email', 'data.tags.0'] },
  { what: 'create a user withAuthToken', uses: 4, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'u-token', name: 'Token', withAuthToken: true }, status: 200, fields: ['data.authToken'] },
  { what: 'create a user with link and role', uses: 2, method: 'POST', path: '/users', host: 'subdomain', body: { uid: 'u-link', name: 'Link', link: 'https://example.com/u', role: 'default' }, status: 200, fields: ['data.link', 'data.role'] },
  { what: 'get a user', uses: 5, method: 'GET', path: '/users/alice', host: 'subdomain', status: 200, fields: ['data.uid', 'data.name', 'data.status'] },
  { what: 'update a user name and avatar', uses: 1, method: 'PUT', path: '/users/u-basic', host: 'subdomain', body: { name: 'Basic 2', avatar: 'https://example.com/a.png' }, status: 200, fields: ['data.name', 'data.avatar'] },
  { what: 'update a user role, tags and metadata', uses: 4, method: 'PUT', path: '/users/u-basic', host: 'subdomain', body: { role: 'default', tags: ['vip'], metadata: { tier: 'gold' } }, status: 200, fields: ['data.tags.0', 'data.metadata.tier', 'data.role'] },
  { what: 'list users with perPage and page', uses: 2, method: 'GET', path: '/users?perPage=2&page=1', host: 'subdomain', status: 200, fields: ['data.1.uid', 'meta.pagination.total', 'meta.pagination.per_page'] },
  { what: 'list users with a wrong key', uses: 1, method: 'GET', path: '/users', host: 'subdomain', headers: { apikey: 'wrong' }, status: 401, code: 'AUTH_ERR_APIKEY_NOT_FOUND' },
  { what: 'delete a user (deactivate)', uses: 2, method: 'DELETE', path: '/users/u-extra', host: 'subdomain', status: 200, fields: ['data.success'] },
  { what: 'deactivate users in bulk', uses: 1, method: 'DELETE', path: '/users', host: 'subdomain', body: { uidsToDeactivate: ['u-link'] }, status: 200, fields: ['data.deactivatedUids.0'] },
  { what: 'mint an auth token for an SDK login', uses: 8, method: 'POST', path: '/users/u-meta/auth_tokens', host: 'subdomain', body: { force: true }, status: 200, fields: ['data.uid', 'data.authToken', 'data.createdAt'] },
  { what: 'flush auth tokens', uses: 1, method: 'DELETE', path: '/users/u-meta/auth_tokens', host: 'subdomain', status: 200, fields: ['data.success'] },
  { what: 'add friends', uses: 2, method: 'POST', path: '/users/alice/friends', host: 'subdomain', body: { accepted: ['bob'] }, status: 200, fields: ['data.accepted.bob.success'] },
  { what: 'list friends', uses: 1, method: 'GET', path: '/users/alice/friends', host: 'subdomain', status: 200, fields: ['data.0.uid'] },
  { what: 'block a user', uses: 1, method: 'POST', path: '/users/carol/blockedusers', host: 'subdomain', body: { blockedUids: ['u-basic'] }, status: 200, fields: ['data.u-basic.success'] },
  { what: 'list roles', uses: 1, method: 'GET', path: '/roles', host: 'subdomain', status: 200, fields: ['data.0.role', 'meta.pagination.total'] },

  // Groups and members
  { what: 'create a group {guid, name, type}', uses: 4, method: 'POST', path: '/groups', host: 'subdomain', body: { guid: 'g-basic', name: 'Basic', type: 'public' }, status: 200, fields: ['data.guid', 'data.membersCount', 'data.conversationId'] },
  { what: 'create a group with owner and members {admins, participants} (the bot among them)', uses: 4, method: 'POST', path: '/groups', host: 'subdomain', body: { guid: 'g-team', name: 'Team', type: 'private', owner: 'alice', members: { admins: ['bob'], participants: ['helper', 'carol'] } }, status: 200, fields: ['data.owner', 'data.members.participants.helper.success'] },
  { what: 'create a group with metadata and tags', uses: 2, method: 'POST', path: '/groups', host: 'subdomain', body: { guid: 'g-meta', name: 'Meta', type: 'public', metadata: { project: 7 }, tags: ['work'] }, status: 200, fields: ['data.metadata.project', 'data.tags.0'] },
  { what: 'create a group on behalf of its creator', uses: 1, method: 'POST', path: '/groups', host: 'subdomain', headers: { onBehalfOf: 'bob' }, body: { guid: 'g-obo', name: 'Obo', type: 'public' }, status: 200, fields: ['data.owner', 'data.hasJoined', 'data.scope'] },
  { what: 'create a group that exists: ERR_GUID_ALREADY_EXISTS', uses: 1, method: 'POST', path: '/groups', host: 'subdomain', body: { guid: 'g-basic', name: 'Again', type: 'public' }, status: 400, code: 'ERR_GUID_ALREADY_EXISTS' },
  { what: 'a bot added through members posts to the group', uses: 0, method: 'POST', path: '/bots/helper/messages', host: 'subdomain', body: text('g-team', 'group', 'hello team'), status: 200, fields: ['data.id'] },
  { what: 'add participants', uses: 4, method: 'POST', path: '/groups/g-basic/members', host: 'subdomain', body: { participants: ['alice', 'bob'] }, status: 200, fields: ['data.participants.alice.success'] },
  { what: 'add admins and moderators: answered under their own role', uses: 3, method: 'POST', path: '/groups/g-basic/members', host: 'subdomain', body: { admins: ['carol'], moderators: ['u-basic'] }, status: 200, fields: ['data.admins.carol.success', 'data.moderators.u-basic.success'] },
  { what: 'add a member again: branch on ERR_ALREADY_JOINED', uses: 3, method: 'POST', path: '/groups/g-basic/members', host: 'subdomain', body: { participants: ['alice'] }, status: 200, fields: ['data.participants.alice.error.code=ERR_ALREADY_JOINED'] },
  { what: 'get a group', uses: 4, method: 'GET', path: '/groups/g-team', host: 'subdomain', status: 200, fields: ['data.guid', 'data.name', 'data.type', 'data.membersCount'] },
  { what: 'get a group on behalf of a member: hasJoined, scope, owner', uses: 2, method: 'GET', path: '/groups/g-team', host: 'subdomain', headers: { onBehalfOf: 'bob' }, status: 200, fields: ['data.hasJoined', 'data.scope=admin', 'data.owner', 'data.conversationId'] },
  { what: 'list members with scope and pagination', uses: 4, method: 'GET', path: '/groups/g-team/members?perPage=10', host: 'subdomain', status: 200, fields: ['data.0.uid', 'data.0.scope', 'meta.pagination.total'] },
  { what: 'change a member scope', uses: 1, method: 'PUT', path: '/groups/g-team/members/carol', host: 'subdomain', body: { scope: 'moderator' }, status: 200, fields: ['data.scope=moderator'] },
  { what: 'kick a member', uses: 3, method: 'DELETE', path: '/groups/g-team/members/carol', host: 'subdomain', status: 200, fields: ['data.success'] },
  { what: 'ban and unban a user', uses: 1, method: 'POST', path: '/groups/g-basic/bannedusers/u-basic', host: 'subdomain', status: 200, fields: ['data.success'] },
  { what: 'update a group (name, owner)', uses: 2, method: 'PUT', path: '/groups/g-team', host: 'subdomain', body: { name: 'Team 2', owner: 'bob' }, status: 200, fields: ['data.name', 'data.owner=bob'] },
  { what: 'list groups with searchKey', uses: 1, method: 'GET', path: '/groups?searchKey=meta', host: 'subdomain', status: 200, fields: ['data.0.guid=g-meta', 'meta.pagination.total'] },
  { what: 'delete a group', uses: 2, method: 'DELETE', path: '/groups/g-meta', host: 'subdomain', status: 200, fields: ['data.success'] },

  // Messages
  { what: 'send as a user (onBehalfOf) to the bot', uses: 5, method: 'POST', path: '/messages', host: 'subdomain', headers: { onBehalfOf: 'alice' }, body: text('helper', 'user', 'hi bot'), save: ['m1', 'data.id'], status: 200, fields: ['data.id', 'data.conversationId', 'data.sender=alice', 'data.data.entities.sender.entity.uid'] },
  { what: 'send as a user to a group', uses: 3, method: 'POST', path: '/messages', host: 'subdomain', headers: { onBehalfOf: 'bob' }, body: text('g-team', 'group', 'hi all'), save: ['g1', 'data.id'], status: 200, fields: ['data.receiverType=group'] },
  { what: 'send without onBehalfOf (as app_system)', uses: 2, method: 'POST', path: '/messages', host: 'subdomain', body: text('bob', 'user', 'system notice'), status: 200, fields: ['data.sender=app_system'] },
  { what: 'send an interactive form', uses: 1, method: 'POST', path: '/messages', host: 'subdomain', headers: { onBehalfOf: 'helper' }, body: { receiver: 'alice', receiverType: 'user', category: 'interactive', type: 'form', data: { interactiveData: { title: 'Name?', formFields: [{ elementType: 'textInput', elementId: 'name', label: 'Name' }] }, interactionGoal: { type: 'anyOf', elementIds: ['name'] } } }, save: ['form', 'data.id'], status: 200, fields: ['data.category=interactive'] },
  { what: 'send to multiple receivers', uses: 1, method: 'POST', path: '/messages', host: 'subdomain', headers: { onBehalfOf: 'alice' }, body: { ...text('bob', 'user', 'to many'), multipleReceivers: { uids: ['bob', 'carol'] } }, status: 200, fields: ['data.uids.bob.success', 'data.uids.carol.success'] },
  { what: 'send with tags', uses: 1, method: 'POST', path: '/messages', host: 'subdomain', headers: { onBehalfOf: 'alice' }, body: { ...text('bob', 'user', 'tagged'), tags: ['important'] }, status: 200, fields: ['data.tags.0=important'] },
  { what: 'reply in a thread on behalf of the bot', uses: 1, method: 'POST', path: '/messages/{m1}/thread', host: 'subdomain', headers: { onBehalfOf: 'helper' }, body: text('alice', 'user', 'threaded'), status: 200, fields: ['data.parentId'] },
  { what: 'the bot replies (subdomain host)', uses: 1, method: 'POST', path: '/bots/helper/messages', host: 'subdomain', body: text('alice', 'user', 'hello alice'), save: ['b1', 'data.id'], status: 200, fields: ['data.id', 'data.sender=helper', 'data.sentAt'] },
  { what: 'the bot replies (older host, appId/apiKey headers, upper-case region)', uses: 1, method: 'POST', path: '/bots/helper/messages', host: 'legacy', body: text('alice', 'user', 'legacy hello'), status: 200, fields: ['data.id'] },
  { what: 'the bot replies to a group it is in', uses: 1, method: 'POST', path: '/bots/helper/messages', host: 'subdomain', body: text('g-team', 'group', 'hello group'), status: 200, fields: ['data.receiverType=group'] },
  { what: 'the bot sends an interactive card', uses: 1, method: 'POST', path: '/bots/helper/messages', host: 'subdomain', body: { receiver: 'alice', receiverType: 'user', category: 'interactive', type: 'card', data: { interactiveData: { text: 'Pick one', cardActions: [{ elementType: 'button', elementId: 'ok', buttonText: 'OK' }] } } }, status: 200, fields: ['data.type=card'] },
  { what: 'history of a one-to-one chat, on behalf of the bot (LLM context)', uses: 2, method: 'GET', path: '/users/alice/messages?limit=50', host: 'subdomain', headers: { onBehalfOf: 'helper' }, status: 200, fields: ['data.0.data.text', 'meta.current.count'] },
  { what: 'list messages (GET /messages)', uses: 2, method: 'GET', path: '/messages?limit=20&hideDeleted=true', host: 'subdomain', status: 200, fields: ['data.0.id', 'meta.current.limit'] },
  { what: 'history of a group', uses: 1, method: 'GET', path: '/groups/g-team/messages?limit=20', host: 'subdomain', headers: { onBehalfOf: 'bob' }, status: 200, fields: ['data.0.receiver=g-team'] },
  { what: 'get one message', uses: 1, method: 'GET', path: '/messages/{m1}', host: 'subdomain', status: 200, fields: ['data.id', 'data.data.text'] },
  { what: 'edit a message', uses: 1, method: 'PUT', path: '/messages/{b1}', host: 'subdomain', headers: { onBehalfOf: 'helper' }, body: { data: { text: 'hello alice (edited)' } }, status: 200, fields: ['data.data.action=edited', 'data.data.entities.on.entity.editedBy=helper'] },
  { what: 'react and unreact', uses: 1, method: 'POST', path: '/messages/{m1}/reactions/%F0%9F%91%8D', host: 'subdomain', headers: { onBehalfOf: 'helper' }, status: 200, fields: ['data.data.reactions.0.count'] },
  { what: 'mark an interactive message as interacted', uses: 1, method: 'PATCH', path: '/messages/{form}/interacted', host: 'subdomain', headers: { onBehalfOf: 'alice' }, body: { interactions: ['name'] }, status: 200, fields: ['data.success'] },
  { what: 'delete a message (soft)', uses: 1, method: 'DELETE', path: '/messages/{b1}', host: 'subdomain', headers: { onBehalfOf: 'helper' }, status: 200, fields: ['data.data.action=deleted'] },
  { what: 'the /v3.0 base path', uses: 0, method: 'GET', path: '/users/bob', host: 'subdomain', status: 200, fields: ['data.uid'] },

  // Conversations
  { what: 'list conversations of a user', uses: 2, method: 'GET', path: '/conversations', host: 'subdomain', headers: { onBehalfOf: 'alice' }, status: 200, fields: ['data.0.conversationId', 'data.0.lastMessage.id', 'data.0.unreadMessageCount'] },
  { what: 'get, read and unread a one-to-one conversation', uses: 1, method: 'POST', path: '/users/alice/conversation/read', host: 'subdomain', headers: { onBehalfOf: 'helper' }, body: {}, status: 200, fields: ['data.success'] },
  { what: 'mark a group conversation read', uses: 1, method: 'POST', path: '/groups/g-team/conversation/read', host: 'subdomain', headers: { onBehalfOf: 'bob' }, body: {}, status: 200, fields: ['data.success'] },
  { what: 'delete a conversation', uses: 1, method: 'DELETE', path: '/conversations/alice_user_helper', host: 'subdomain', headers: { onBehalfOf: 'alice' }, status: 200, fields: ['data.success'] },
  { what: 'the conversation is gone', uses: 0, method: 'GET', path: '/conversations/alice_user_helper', host: 'subdomain', headers: { onBehalfOf: 'alice' }, status: 404, code: 'ERR_CONVERSATION_NOT_FOUND' },
];

/** The /v3.0 call goes to /v3.0; the rest to /v3. */
const V30 = 'the /v3.0 base path';

describe('the REST calls public bots and back ends make, replayed', () => {
  let emulator: Emulator;
  const results: { call: PublicCall; ok: boolean; why: string }[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ anyApiKey: false });
    emulator.backend.registerBot({ uid: 'helper', webhookURL: 'http://127.0.0.1:9/' });
    emulator.setCallbackPolicy({ timeoutMs: 20, retryDelaysMs: [] });
    const saved = new Map<string, string>();
    for (const call of CALLS) {
      const fill = (t: string) => t.replace(/\{(\w+)\}/g, (m, n: string) => saved.get(n) ?? m);
      const headers: Record<string, string> = { 'content-type': call.host === 'legacy' ? 'Application/json' : 'application/json' };
      if (call.host === 'subdomain') Object.assign(headers, { apikey: TEST_KEY, 'x-forwarded-host': 'testapp.api-eu.cometchat.io' });
      else if (call.host === 'legacy') Object.assign(headers, { appId: 'testapp', apiKey: TEST_KEY, 'x-forwarded-host': 'api-EU.cometchat.io' });
      else headers.apikey = TEST_KEY;
      Object.assign(headers, call.headers);
      const res = await fetch(`${emulator.url}${call.what === V30 ? '/v3.0' : '/v3'}${fill(call.path)}`, { method: call.method, headers, ...(call.body !== undefined ? { body: fill(JSON.stringify(call.body)) } : {}) });
      const body = (await res.json()) as any;
      if (call.save) saved.set(call.save[0], String(dig(body, call.save[1])));
      const problems: string[] = [];
      if (res.status !== call.status) problems.push(`status ${res.status}, CometChat answers ${call.status}`);
      if (call.code && body.error?.code !== call.code) problems.push(`code ${body.error?.code}, CometChat answers ${call.code}`);
      for (const field of call.fields ?? []) {
        const [path, want] = field.split('=') as [string, string | undefined];
        const got = dig(body, path);
        if (got === undefined) problems.push(`no ${path}`);
        else if (want !== undefined && String(got) !== want) problems.push(`${path} is ${String(got)}, not ${want}`);
      }
      results.push({ call, ok: problems.length === 0, why: problems.join('; ') });
    }
  });
  afterAll(async () => emulator?.close());

  it('answers at least 90 % of the uses as CometChat answers them', () => {
    const total = CALLS.reduce((n, c) => n + c.uses, 0);
    const right = results.filter((r) => r.ok).reduce((n, r) => n + r.call.uses, 0);
    const wrong = results.filter((r) => !r.ok).map((r) => `${r.call.what}: ${r.why}`);
    expect(total).toBeGreaterThanOrEqual(120);
    expect(right / total, wrong.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('answers every replayed call as CometChat does (the ones the score leaves unweighted too)', () => {
    expect(results.filter((r) => !r.ok).map((r) => `${r.call.what}: ${r.why}`)).toEqual([]);
  });
});

function dig(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}
