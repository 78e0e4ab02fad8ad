import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/main.js';
import { CALLBACK, makeDeps, tempHome, writeProfile } from '../helpers/deps.js';
import { fixtures, writeCaptureFile } from '../helpers/captures.js';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

function home(options: { torn?: boolean } = {}) {
  const h = tempHome();
  writeCaptureFile(join(h, 'captures'), undefined, options);
  return h;
}

async function run(args: string[], h: string, tty = false) {
  const deps = makeDeps({ home: h, tty });
  const code = await main(args, deps);
  return { code, stdout: deps.stdout.text(), stderr: deps.stderr.text() };
}

/** Compares with a committed golden file; UPDATE_GOLDEN=1 rewrites it. A missing golden fails. */
function golden(name: string, actual: string) {
  const path = join(GOLDEN, name);
  if (update) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `golden file ${name} is missing: run UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('captures list / show', () => {
  it('lists newest first, tab-separated when piped, and tolerates a torn last line', async () => {
    const r = await run(['captures', 'list'], home({ torn: true }));
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows).toHaveLength(fixtures().length + 1);
    expect(rows[0]![0]).toBe('fixtr1-9');
    expect(rows[0]![2]).toBe('rejected');
    expect(rows.at(-1)![0]).toBe('fixtr1-1');
    expect(r.stderr).toContain('skipped 1 line(s)');
  });

  it('prints a table on a TTY and a JSON array with --json', async () => {
    const h = home();
    const table = await run(['captures', 'list'], h, true);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TIME\s+VERDICT\s+SENDER\s+TEXT$/);
    const json = JSON.parse((await run(['--json', 'captures', 'list'], h)).stdout);
    expect(json[1]).toMatchObject({ id: 'fixtr1-8', verdict: 'accepted', sender: 'cometchat-uid-1', text: 'Hi! Where is my order #48213?' });
  });

  it('show last / show ID, auth still redacted; --json is the raw record', async () => {
    const h = home();
    const shown = await run(['captures', 'show', 'fixtr1-8'], h);
    expect(shown.stdout).toContain('authorization: [redacted]');
    expect(shown.stdout).toContain('"text": "Hi! Where is my order #48213?"');
    const raw = JSON.parse((await run(['--json', 'captures', 'show', 'last'], h)).stdout);
    expect(raw).toMatchObject({ id: 'fixtr1-9', status: 401, verdict: 'rejected' });
  });

  it('clear errors: unknown id (2), no captures yet (1), unreadable file (1)', async () => {
    const h = home();
    const unknown = await run(['captures', 'show', 'nope'], h);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: no capture with id "nope"');
    const empty = await run(['captures', 'list'], tempHome());
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/error: no captures yet in .*\nhint: run cometbot listen/);
    const missing = await run(['captures', 'list', '--file', '/nonexistent/x.jsonl'], h);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: cannot read capture file /nonexistent/x.jsonl (ENOENT)');
  });
});

describe('captures schema', () => {
  it('JSON Schema golden: one shape per trigger (oneOf), optional fields, unions, enums, counts; deterministic', async () => {
    const h = home();
    const a = await run(['captures', 'schema'], h);
    expect(a.code).toBe(0);
    golden('schema.json', a.stdout);
    expect((await run(['captures', 'schema'], h)).stdout).toBe(a.stdout);
    const schema = JSON.parse(a.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    // Two triggers in the captures: each keeps its own required fields.
    expect(schema.oneOf.map((v: { title: string }) => v.title)).toEqual(['AfterMessageCallback', 'MessageSentCallback']);
    const [bot, webhook] = schema.oneOf;
    expect(bot.required).toEqual(['appId', 'bot', 'chatAPIVersion', 'data', 'origin', 'region', 'trigger']);
    expect(bot.properties.trigger.const).toBe('after_message');
    expect(bot.properties.bot.description).toBe('Seen in 6 of 6 samples.');
    expect(webhook.required).toEqual(['appId', 'data', 'region', 'trigger', 'webhook']);
    expect(webhook.properties.data.required).toEqual(['message']);
    const message = bot.properties.data;
    expect(message.properties.receiverType.enum).toEqual(['group', 'user']);
    expect(message.properties.category.enum).toEqual(['custom', 'message']);
    expect(message.properties.parentId).toBeDefined();
    expect(message.required ?? []).not.toContain('parentId');
    expect(message.properties.id.enum).toBeUndefined();
  });

  it('rejects a bad --format', async () => {
    const r = await run(['captures', 'schema', '--format', 'yaml'], home());
    expect(r.code).toBe(2);
  });
});

describe('captures replay', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('POSTs the captured body with the profile’s Basic Auth and prints status and time', async () => {
    const got: { body: string; auth?: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ body, auth: req.headers.authorization });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
    const h = home();
    writeProfile(h, 'http://127.0.0.1:9/v3');
    const r = await run(['--json', 'captures', 'replay', 'fixtr1-8', '--to', url], h);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'fixtr1-8', status: 200, url });
    expect(JSON.parse(got[0]!.body)).toEqual(JSON.parse(fixtures().find(([n]) => n === 'user-text')![1]));
    expect(got[0]!.auth).toBe(`Basic ${Buffer.from(`${CALLBACK.username}:${CALLBACK.password}`).toString('base64')}`);
    const custom = await run(['captures', 'replay', 'fixtr1-8', '--to', url, '--auth', 'me:secret123'], h);
    expect(custom.code).toBe(0);
    expect(got[1]!.auth).toBe(`Basic ${Buffer.from('me:secret123').toString('base64')}`);
  });

  it('a bad --to is exit 2; a dead target is exit 1 with a hint', async () => {
    const h = home();
    expect((await run(['captures', 'replay', 'last', '--to', 'not-a-url', '--auth', 'a:b'], h)).code).toBe(2);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const dead = await run(['captures', 'replay', 'fixtr1-8', '--to', `http://127.0.0.1:${port}/x`, '--auth', 'a:b'], h);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain(`error: replay to 127.0.0.1:${port} failed: ECONNREFUSED`);
  });
});

describe('captures export', () => {
  it('writes one pretty JSON fixture per payload', async () => {
    const out = join(tempHome(), 'fx');
    const r = await run(['captures', 'export', 'all', '--out', out], home());
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(fixtures().length);
    expect(readFileSync(join(out, 'fixtr1-8.json'), 'utf8')).toBe(`${JSON.stringify(JSON.parse(fixtures().find(([n]) => n === 'user-text')![1]), null, 2)}\n`);
  });

  it('--redact leaves no original personal value, keeps shape and enums, and maps values stably across files', async () => {
    const out = join(tempHome(), 'fx');
    expect((await run(['captures', 'export', 'all', '--out', out, '--redact'], home())).code).toBe(0);
    const text = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const personal of ['Andrew Joseph', 'George Alan', 'Nancy', 'cometchat-uid-1', 'support-bot', 'team-support', '2541abc12de3f', 'Where is my order', 'receipt.jpg', 'avatars', '712', 'WEB-3_0_11']) {
      expect(text, personal).not.toContain(personal);
    }
    for (const kept of ['after_message', '"receiverType": "group"', '"category": "custom"', '"type": "image"', '"entityType": "user"']) expect(text).toContain(kept);
    const user = JSON.parse(readFileSync(join(out, 'fixtr1-8.json'), 'utf8'));
    const thread = JSON.parse(readFileSync(join(out, 'fixtr1-7.json'), 'utf8'));
    expect(user.data.sender).toBe(thread.data.sender); // same person, same placeholder
    expect(thread.data.parentId).toBe(user.data.id); // the thread still points at its parent
    expect(user.data.conversationId).toBe(`${user.data.sender}_user_${user.data.receiver}`);
  });
});

describe('large capture files (bounded memory, no argument-count limits)', () => {
  it('--all lists every request; a bad --limit is a usage error', async () => {
    const h = home();
    expect(JSON.parse((await run(['--json', 'captures', 'list', '--all'], h)).stdout)).toHaveLength(fixtures().length + 1);
    const bad = await run(['captures', 'list', '--limit', 'x'], h);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: invalid --limit "x": expected a positive whole number');
  });
});
