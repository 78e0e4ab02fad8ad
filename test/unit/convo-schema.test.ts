// schema/convo.schema.json and the parser must agree: what editors accept, cometbot test runs, and
// what the parser refuses, the schema flags too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseConvo } from '../../src/core/convo/parse.js';

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../schema/convo.schema.json', import.meta.url)), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const read = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

const VALID = {
  'the echo-bot example': read('../../examples/echo-bot/echo.convo.yaml'),
  'every step and matcher': `
name: all
bot: b
app: { id: a1, region: EU, apiKey: k }
groupChatSetting: slashedMessages
as: bob
within: 1.5s
ackWithin: 800
allowExtraReplies: true
users: [{ uid: dave }]
groups: [{ guid: g, name: G, members: [bob, dave], bot: false }]
tests:
  - name: c
    as: dave
    within: 2s
    ackWithin: 1s
    allowExtraReplies: false
    skip: later
    steps:
      - user: 42
      - user: { text: "/help", group: g, mention: dave, metadata: { k: 1 } }
      - user: { custom: { type: poll, data: { q: 1 } } }
      - user: { attachment: { url: "https://x/y.png", name: y.png, mimeType: image/png }, text: look, thread: last }
      - bot: any
      - bot: none
      - bot: { none: true, within: 100ms }
      - bot: { any: true }
      - bot: { text: hi, contains: [a, b], matches: "/^h/i", type: text, category: message, to: user, receiver: dave, thread: false, json: { data.text: hi, data.metadata.x: "/\\\\d+/" }, within: 3s }
      - redeliver: last
      - fault: { status: 503 }
      - fault: { status: 429, code: ERR_TOO_MANY_REQUESTS, retryAfter: 2, times: 3 }
      - wait: 250ms
`,
};

const INVALID = {
  'an unknown key': 'tests:\n  - name: x\n    steps: [{ bot: { contians: hi } }]\n',
  'a bad duration': 'within: soon\ntests:\n  - name: x\n    steps: [{ user: hi }]\n',
  'a bot step with no matcher': 'tests:\n  - name: x\n    steps: [{ bot: {} }]\n',
  'two kinds in one step': 'tests:\n  - name: x\n    steps: [{ user: hi, bot: any }]\n',
  'a user step with no text': 'tests:\n  - name: x\n    steps: [{ user: { as: bob } }]\n',
  'redeliver something other than last': 'tests:\n  - name: x\n    steps: [{ redeliver: first }]\n',
  'a fault without a status': 'tests:\n  - name: x\n    steps: [{ fault: { code: X } }]\n',
  'a case without steps': 'tests:\n  - name: x\n',
  'no tests': 'name: x\n',
  'a bad group setting': 'groupChatSetting: some\ntests:\n  - name: x\n    steps: [{ user: hi }]\n',
  'a bad uid': 'bot: "my bot"\ntests:\n  - name: x\n    steps: [{ user: hi }]\n',
};

describe('schema/convo.schema.json agrees with the parser', () => {
  for (const [name, text] of Object.entries(VALID)) {
    it(`accepts ${name}`, () => {
      expect(parseConvo(text, 'f.convo.yaml').ok).toBe(true);
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    });
  }
  for (const [name, text] of Object.entries(INVALID)) {
    it(`refuses ${name}`, () => {
      expect(parseConvo(text, 'f.convo.yaml').ok).toBe(false);
      expect(validate(parse(text))).toBe(false);
    });
  }
});
