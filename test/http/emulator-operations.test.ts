// The emulator against its contract: every core operation of CometChat's OpenAPI is served, each answer
// of a walk through all of them is valid against the operation's response schema (and carries the
// example's fields), the rest of the OpenAPI answers 501 naming the operation, and the generated
// operations table matches the document. The document lives in ../shared, not in the project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import { OPENAPI_OPERATIONS, type Emulator } from '../../src/emulator/server.js';

const SPEC_PATH = fileURLToPath(new URL('../../../shared/cometchat/chat-apis.json', import.meta.url));
const haveSpec = existsSync(SPEC_PATH);
if (!haveSpec) console.warn(`operation contract tests skipped: ${SPEC_PATH} is absent (CometChat's OpenAPI file lives in ../shared/cometchat)`);

/** The tags outside the core chat API (DESIGN.md): served as 501. */
const NOT_CORE = new Set(['API Keys', 'Notifications', 'Moderation', 'Metrics']);
/** Fields the examples show that exist only when the caller set them, or only in some states. */
const OPTIONAL_EXAMPLE_FIELDS = new Set(['link', 'metadata', 'tags', 'authToken', 'avatar', 'description', 'icon', 'updatedAt', 'scope', 'joinedAt', 'hasJoined', 'settings', 'statusMessage', 'lastActiveAt', 'conversationId', 'owner', 'muid', 'parentId', 'replyCount', 'editedAt', 'editedBy', 'deletedAt', 'deletedBy', 'readAt', 'deliveredAt', 'receipts', 'unreadMentionsCount', 'lastReadMessageId', 'conversationWith', 'blockedByMe', 'blockedByMeAt', 'blockedAt', 'hasBlockedMe', 'blockedByThemAt', 'usersToBan', 'moderators', 'participants', 'admins', 'meta', 'Message', 'message', 'success', 'data', 'appInfo', 'platform', 'userAgent']);
/**
 * Where the OpenAPI's schema and its own example disagree on the shape of `data`, and which one the
 * emulator follows (see the routes): these answers are checked against that shape instead.
 */
const SHAPE_FOLLOWED: Record<string, 'array' | 'object'> = {
  'GET /groups/{guid}/members': 'array', // example (and every client): a list
  'GET /groups/{guid}/bannedusers': 'array', // example: a list
};

type Spec = { paths: Record<string, Record<string, any>> };
/** `save` names the answer's data.id; `{name}` in a later path or body stands for it. */
type Call = { method: string; path: string; body?: unknown; headers?: Record<string, string>; save?: string };
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const specPathOf = (spec: Spec, path: string) => Object.keys(spec.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path.split('?')[0]!));
const obo = (uid: string) => ({ onBehalfOf: uid });
const text = (receiver: string, receiverType: 'user' | 'group', t: string) => ({ receiver, receiverType, category: 'message', type: 'text', data: { text: t } });

/** One walk through every core operation, in an order where each call has what it needs. */
const WALK: Call[] = [
  { method: 'POST', path: '/roles', body: { role: 'manager', name: 'Manager', description: 'managers', metadata: { k: 'v' }, settings: { listUsers: 'all' } } },
  { method: 'GET', path: '/roles' },
  { method: 'GET', path: '/roles/manager' },
  { method: 'PUT', path: '/roles/manager', body: { description: 'managers of the app' } },
  { method: 'POST', path: '/roles/manager/restrictedfeatures', body: { featuresToRestrict: ['u.listUsers'] } },
  { method: 'GET', path: '/roles/manager/restrictedfeatures' },
  { method: 'DELETE', path: '/roles/manager/restrictedfeatures', body: { allowAll: true } },
  { method: 'POST', path: '/users', body: { uid: 'dave', name: 'Dave', avatar: 'https://example.com/d.png', link: 'https://example.com', role: 'manager', metadata: { '@private': { email: 'd@example.com' } }, tags: ['vip'], withAuthToken: true } },
  { method: 'GET', path: '/users?perPage=2&page=1' },
  { method: 'GET', path: '/users/dave' },
  { method: 'PUT', path: '/users/dave', body: { name: 'David', tags: ['vip', 'beta'], unset: ['link'] } },
  { method: 'POST', path: '/users/dave/auth_tokens', body: { force: true } },
  { method: 'GET', path: '/users/dave/auth_tokens' },
  { method: 'POST', path: '/users/alice/friends', body: { accepted: ['bob', 'carol'] } },
  { method: 'GET', path: '/users/alice/friends' },
  { method: 'DELETE', path: '/users/alice/friends', body: { friends: ['carol'] } },
  { method: 'POST', path: '/users/carol/blockedusers', body: { blockedUids: ['dave'] } },
  { method: 'GET', path: '/users/carol/blockedusers' },
  { method: 'DELETE', path: '/users/carol/blockedusers', body: { blockedUids: ['dave'] } },
  { method: 'POST', path: '/groups', body: { guid: 'project', name: 'Project', type: 'public', description: 'd', metadata: { k: 1 }, tags: ['work'], members: { admins: ['bob'], participants: ['carol', 'op-bot'] } }, headers: obo('alice') },
  { method: 'GET', path: '/groups?searchKey=proj', headers: obo('alice') },
  { method: 'GET', path: '/groups/project', headers: obo('alice') },
  { method: 'PUT', path: '/groups/project', body: { name: 'Project X', owner: 'bob' }, headers: obo('alice') },
  { method: 'POST', path: '/groups/project/members', body: { participants: ['dave', 'carol'] } },
  { method: 'GET', path: '/groups/project/members?perPage=10' },
  { method: 'PUT', path: '/groups/project/members/dave', body: { scope: 'moderator' } },
  { method: 'DELETE', path: '/groups/project/members/dave' },
  { method: 'POST', path: '/groups/project/bannedusers/carol' },
  { method: 'GET', path: '/groups/project/bannedusers' },
  { method: 'DELETE', path: '/groups/project/bannedusers/carol' },
  { method: 'POST', path: '/messages', body: { ...text('bob', 'user', 'hello bob'), tags: ['greeting'] }, headers: obo('alice'), save: 'hello' },
  { method: 'POST', path: '/messages/{hello}/thread', body: text('alice', 'user', 'in the thread'), headers: obo('bob'), save: 'reply' },
  { method: 'POST', path: '/bots/op-bot/messages', body: { receiver: 'alice', receiverType: 'user', category: 'interactive', type: 'form', data: { interactiveData: { text: 'Your name?', formFields: [{ elementType: 'textInput', elementId: 'name', label: 'Name' }] }, interactionGoal: { type: 'anyOf', elementIds: ['name'] } } }, save: 'form' },
  { method: 'POST', path: '/messages', body: text('project', 'group', 'hi project'), headers: obo('bob'), save: 'inGroup' },
  { method: 'POST', path: '/messages', body: text('carol', 'user', 'from the system') },
  { method: 'GET', path: '/messages?limit=2' },
  { method: 'GET', path: '/messages/{hello}' },
  { method: 'GET', path: '/messages/{hello}/thread' },
  { method: 'GET', path: '/users/bob/messages?limit=10', headers: obo('alice') },
  { method: 'GET', path: '/groups/project/messages?limit=10', headers: obo('bob') },
  { method: 'PATCH', path: '/messages/{form}/interacted', body: { interactions: ['name'] }, headers: obo('alice') },
  { method: 'POST', path: '/messages/{hello}/reactions/%F0%9F%91%8D', headers: obo('bob') },
  { method: 'GET', path: '/messages/{hello}/reactions' },
  { method: 'GET', path: '/messages/{hello}/reactions/%F0%9F%91%8D' },
  { method: 'DELETE', path: '/messages/{hello}/reactions/%F0%9F%91%8D', headers: obo('bob') },
  { method: 'PUT', path: '/messages/{hello}', body: { data: { text: 'hello bob (edited)' } }, headers: obo('alice') },
  { method: 'DELETE', path: '/messages/{reply}', headers: obo('bob') },
  { method: 'GET', path: '/conversations', headers: obo('alice') },
  { method: 'GET', path: '/conversations/alice_user_bob', headers: obo('alice') },
  { method: 'GET', path: '/users/bob/conversation', headers: obo('alice') },
  { method: 'PUT', path: '/users/bob/conversation', body: { tags: ['pinned'] }, headers: obo('alice') },
  { method: 'POST', path: '/users/bob/conversation/delivered', body: {}, headers: obo('alice') },
  { method: 'POST', path: '/users/bob/conversation/read', body: {}, headers: obo('alice') },
  { method: 'DELETE', path: '/users/bob/conversation/read', body: { messageId: '{reply}' }, headers: obo('alice') },
  { method: 'GET', path: '/groups/project/conversation', headers: obo('bob') },
  { method: 'PUT', path: '/groups/project/conversation', body: { tags: ['work'] }, headers: obo('bob') },
  { method: 'POST', path: '/groups/project/conversation/delivered', body: {}, headers: obo('bob') },
  { method: 'POST', path: '/groups/project/conversation/read', body: {}, headers: obo('bob') },
  { method: 'DELETE', path: '/groups/project/conversation/read', body: { messageId: '{inGroup}' }, headers: obo('bob') },
  { method: 'DELETE', path: '/groups/project/conversation', headers: obo('bob') },
  { method: 'DELETE', path: '/users/bob/conversation', headers: obo('alice') },
  { method: 'DELETE', path: '/conversations/app_system_user_carol', headers: obo('carol') },
  { method: 'DELETE', path: '/groups/project' },
  { method: 'DELETE', path: '/users', body: { uidsToDeactivate: ['dave'] } },
  { method: 'PUT', path: '/users', body: { uidsToActivate: ['dave'] } },
  { method: 'DELETE', path: '/users/dave/auth_tokens' },
  { method: 'DELETE', path: '/users/dave', body: { permanent: true } },
  { method: 'DELETE', path: '/roles/manager' },
];

/** Calls that need a value from an earlier answer: the auth token (filled in as the walk runs). */
const TOKEN_CALLS = (token: string): Call[] => [
  { method: 'GET', path: `/users/alice/auth_tokens/${token}` },
  { method: 'PUT', path: `/users/alice/auth_tokens/${token}`, body: { platform: 'node', userAgent: 'cometbot-test' } },
  { method: 'DELETE', path: `/users/alice/auth_tokens/${token}` },
];

describe.skipIf(!haveSpec)("every core operation of CometChat's OpenAPI", () => {
  let spec: Spec;
  let ajv: Ajv;
  let emulator: Emulator;
  const answers: { call: Call; status: number; body: any }[] = [];
  const saved = new Map<string, string>();
  /** `{name}` → a saved id; `"{name}"` as a whole body value → the id as a number (as clients send messageId). */
  const fill = (c: Call): Call => {
    const sub = (t: string) => t.replace(/\{(\w+)\}/g, (m, name: string) => saved.get(name) ?? m);
    const body = c.body === undefined ? undefined : JSON.parse(JSON.stringify(c.body).replace(/"\{(\w+)\}"/g, (m, name: string) => saved.get(name) ?? m));
    return { ...c, path: sub(c.path), ...(body !== undefined ? { body } : {}) };
  };

  const call = async (template: Call) => {
    const c = fill(template);
    const res = await fetch(`${emulator.baseUrl}${c.path}`, {
      method: c.method,
      headers: { apikey: TEST_KEY, 'content-type': 'application/json', ...c.headers },
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
    });
    const answer = { call: c, status: res.status, body: (await res.json()) as any };
    answers.push(answer);
    if (c.save) saved.set(c.save, answer.body.data?.id);
    return answer;
  };

  beforeAll(async () => {
    spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(spec as object, 'spec');
    emulator = await startEmulator();
    emulator.backend.registerBot({ uid: 'op-bot', webhookURL: 'http://127.0.0.1:9/unreachable' });
    emulator.setCallbackPolicy({ timeoutMs: 50, retryDelaysMs: [] });
    for (const c of WALK.slice(0, WALK.findIndex((w) => w.path === '/users/dave/auth_tokens'))) await call(c);
    const { body } = await call({ method: 'POST', path: '/users/alice/auth_tokens', body: {} });
    for (const c of TOKEN_CALLS(body.data.authToken)) await call(c);
    for (const c of WALK.slice(WALK.findIndex((w) => w.path === '/users/dave/auth_tokens'))) await call(c);
  });
  afterAll(async () => emulator?.close());

  it('the operations table is the OpenAPI document’s, one row per operation', () => {
    const fromSpec = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(OPENAPI_OPERATIONS.map(([m, p]) => `${m} ${p}`)).toEqual(fromSpec);
  });

  it('serves every core operation (69), and the walk reaches each one with 200', () => {
    const core = OPENAPI_OPERATIONS.filter(([, , , tag]) => !NOT_CORE.has(tag)).map(([m, p]) => `${m} ${p}`);
    expect(core).toHaveLength(69);
    const served = new Set(emulator.operations().map((o) => `${o.method} ${o.path}`));
    expect(core.filter((op) => !served.has(op))).toEqual([]);
    const walked = new Set(answers.map((a) => `${a.call.method} ${specPathOf(spec, a.call.path)}`));
    expect(core.filter((op) => !walked.has(op))).toEqual([]);
    const refused = answers.filter((a) => a.status !== 200).map((a) => `${a.call.method} ${a.call.path} → ${a.status} ${JSON.stringify(a.body.error)}`);
    expect(refused).toEqual([]);
  });

  it('every answer is valid against its operation’s response schema and carries the example’s fields', () => {
    const problems: string[] = [];
    for (const { call: c, body } of answers) {
      const path = specPathOf(spec, c.path)!;
      const key = `${c.method} ${path}`;
      const op = spec.paths[path]![c.method.toLowerCase()];
      const media = op.responses['200'].content['application/json'];
      const followed = SHAPE_FOLLOWED[key];
      if (followed) {
        if (Array.isArray(body.data) !== (followed === 'array')) problems.push(`${key}: data is not ${followed === 'array' ? 'a list' : 'an object'}`);
      } else {
        const validate = ajv.getSchema(`spec#/${pointer('paths', path, c.method.toLowerCase(), 'responses', '200', 'content', 'application/json', 'schema')}`)!;
        if (!validate(body)) problems.push(`${key}: ${ajv.errorsText(validate.errors)}`);
      }
      const example = media.example?.data;
      const sample = Array.isArray(example) ? example[0] : example;
      const got = Array.isArray(body.data) ? body.data[0] : body.data;
      if (!sample || typeof sample !== 'object' || !got || Array.isArray(sample) !== Array.isArray(got)) continue;
      if (Array.isArray(example) !== Array.isArray(body.data) && !followed) continue; // the single-conversation reads: see routes/conversations.ts
      for (const field of Object.keys(sample)) {
        if (OPTIONAL_EXAMPLE_FIELDS.has(field) || /^superhero|^u\.|^<uid/.test(field)) continue;
        if (!(field in got)) problems.push(`${key}: no "${field}" (the example has it)`);
      }
      if (media.example?.meta && body.meta === undefined) problems.push(`${key}: no meta (the example pages)`);
    }
    expect(problems).toEqual([]);
  });

  it('request bodies of the walk are valid against the OpenAPI (the walk sends what clients send)', () => {
    const problems: string[] = [];
    for (const { call: c } of answers) {
      const path = specPathOf(spec, c.path)!;
      const op = spec.paths[path]![c.method.toLowerCase()];
      if (!op.requestBody || c.body === undefined) continue;
      // The document's interactive body is a oneOf of four data schemas without required fields: any
      // form also matches the card schema, so no interactive body can match "exactly one".
      if ((c.body as { category?: string }).category === 'interactive') continue;
      const validate = ajv.getSchema(`spec#/${pointer('paths', path, c.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`);
      if (validate && !validate(c.body)) problems.push(`${c.method} ${c.path}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers 501 ERR_NOT_EMULATED naming each operation outside the core, 404 for a path CometChat does not have', async () => {
    const outside = OPENAPI_OPERATIONS.filter(([, , , tag]) => NOT_CORE.has(tag));
    expect(outside.length).toBeGreaterThan(0);
    for (const [method, path, operationId] of outside) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');
      const r = await call({ method, path: concrete, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
      expect([method, path, r.status, r.body.error?.code]).toEqual([method, path, 501, 'ERR_NOT_EMULATED']);
      expect(r.body.error.message).toBe(`${method} ${path} (${operationId}) is not emulated by cometbot`);
    }
    const missing = await call({ method: 'GET', path: '/ai/conversations' });
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ERR_ROUTE_NOT_FOUND']);
  });
});
