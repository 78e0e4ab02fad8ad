// Contract tests: every request body the client sends and every response the emulator returns is
// validated against CometChat's own OpenAPI file (kept in ../shared, not copied into the project).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { main } from '../../src/main.js';
import { makeDeps, tempHome } from '../helpers/deps.js';
import { startEmulator, TEST_KEY } from '../helpers/emulator.js';
import type { Emulator } from '../../src/emulator/server.js';

const SPEC_PATH = fileURLToPath(new URL('../../../shared/cometchat/chat-apis.json', import.meta.url));
const haveSpec = existsSync(SPEC_PATH);
if (!haveSpec) console.warn(`contract tests skipped: ${SPEC_PATH} is absent (CometChat's OpenAPI file lives in ../shared/cometchat)`);

/** Fields the spec's examples show that only exist when the caller set them. */
const OPTIONAL_EXAMPLE_FIELDS = ['link', 'metadata', 'tags', 'authToken', 'avatar'];
type Spec = { paths: Record<string, Record<string, any>> };
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe.skipIf(!haveSpec)("contract with CometChat's OpenAPI (chat-apis.json)", () => {
  let spec: Spec;
  let ajv: Ajv;
  let emulator: Emulator;
  const responses: { method: string; path: string; status: number; body: unknown }[] = [];

  function specPath(path: string): string | undefined {
    return Object.keys(spec.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  }

  beforeAll(async () => {
    spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
    ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(spec as object, 'spec');
    emulator = await startEmulator();
    const home = tempHome();
    const env = { COMETCHAT_API_KEY: TEST_KEY };
    const run = (args: string[]) => main(args, makeDeps({ home, env }));
    expect(await run(['init', '--app-id', 'testapp', '--region', 'eu', '--uid', 'contract-bot', '--api-url', emulator.baseUrl])).toBe(0);
    emulator.backend.addMembers('team', ['contract-bot']);
    expect(await run(['say', '--to', 'alice', '--metadata', '{"k":"v"}', 'hello'])).toBe(0);
    expect(await run(['say', '--group', 'team', 'hello team'])).toBe(0);
    expect(await run(['say', '--to', 'alice', '--custom', 'poll', '--data', '{"q":"?"}'])).toBe(0);
    expect(await run(['say', '--to', 'alice', '--thread', '1', 'threaded'])).toBe(0);
    // Responses, fetched the way the client does, for the routes the spec describes.
    const get = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${emulator.baseUrl}${path}`, { method, headers: { apikey: TEST_KEY, 'content-type': 'application/json', ...headers }, body: body ? JSON.stringify(body) : undefined });
      responses.push({ method, path, status: res.status, body: await res.json() });
    };
    await get('GET', '/users/alice');
    await get('POST', '/users', { uid: 'newbie', name: 'Newbie' });
    await get('POST', '/bots/contract-bot/messages', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 'x' } });
    await get('POST', '/messages', { receiver: 'contract-bot', receiverType: 'user', category: 'message', type: 'text', data: { text: 'from alice' } }, { onBehalfOf: 'alice' });
    await get('POST', '/messages/1/thread', { receiver: 'alice', receiverType: 'user', category: 'message', type: 'text', data: { text: 't' } }, { onBehalfOf: 'contract-bot' });
  });
  afterAll(async () => emulator?.close());

  it('every request body the client sent matches the spec for its path and method', () => {
    let checked = 0;
    for (const request of emulator.requests) {
      const path = specPath(request.path.replace(/^\/v3/, ''));
      const op = path && spec.paths[path]?.[request.method.toLowerCase()];
      if (!op?.requestBody || request.body === undefined) continue;
      const validate = ajv.getSchema(`spec#/${pointer('paths', path!, request.method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`)!;
      const ok = validate(request.body);
      expect(ok, `${request.method} ${request.path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('the validator does reject a body the spec forbids (sanity check)', () => {
    const validate = ajv.getSchema(`spec#/${pointer('paths', '/users', 'post', 'requestBody', 'content', 'application/json', 'schema')}`)!;
    expect(validate({ uid: 'only-uid' })).toBe(false);
  });

  it('every emulator response matches the spec’s schema and carries the example’s fields', () => {
    for (const r of responses) {
      expect(r.status, `${r.method} ${r.path}`).toBe(200);
      const path = specPath(r.path)!;
      const media = spec.paths[path]![r.method.toLowerCase()].responses['200'].content['application/json'];
      const validate = ajv.getSchema(`spec#/${pointer('paths', path, r.method.toLowerCase(), 'responses', '200', 'content', 'application/json', 'schema')}`)!;
      expect(validate(r.body), `${r.method} ${r.path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      const data = (r.body as { data: Record<string, unknown> }).data;
      for (const key of Object.keys(media.example.data).filter((k) => !OPTIONAL_EXAMPLE_FIELDS.includes(k))) {
        expect(data, `${r.method} ${r.path} lacks ${key}`).toHaveProperty(key);
      }
    }
  });
});
