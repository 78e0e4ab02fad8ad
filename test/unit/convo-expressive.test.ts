// Variables, data-driven cases, fragments and includes, eventually, save and check: what the parser
// makes of them, and every mistake as one line with file:line:column before anything runs.
import { describe, expect, it } from 'vitest';
import { parseConvo } from '../../src/core/convo/parse.js';
import { substitute, UnsetVariable } from '../../src/core/convo/variables.js';
import { bindExpect } from '../../src/core/convo/bind.js';

const ok = (text: string, readInclude?: (p: string, from: string) => { path: string; text: string } | undefined) => {
  const r = parseConvo(text, 'f.convo.yaml', readInclude ? { readInclude } : {});
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
  return r.file;
};
const issues = (text: string, readInclude?: (p: string, from: string) => { path: string; text: string } | undefined) => {
  const r = parseConvo(text, 'f.convo.yaml', readInclude ? { readInclude } : {});
  return r.ok ? [] : r.issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`);
};

describe('variables', () => {
  it('substitutes ${NAME} and ${env.NAME}, keeps $${ as a literal, and names an unset one', () => {
    const vars = new Map([['ticket', '42']]);
    expect(substitute('ticket ${ticket} for ${env.WHO}, literally $${ticket}', vars, { WHO: 'ann' })).toBe('ticket 42 for ann, literally ${ticket}');
    expect(() => substitute('${nope}', vars, {})).toThrow(UnsetVariable);
    expect(() => substitute('${env.NOPE}', vars, {})).toThrow('the variable ${env.NOPE} is used before it is set');
  });

  it('escapes a value put into a matches pattern', () => {
    const bound = bindExpect({ matchesTemplate: { source: '^price: ${p}$', flags: 'i' } }, new Map([['p', '$4.00 (+tax)']]), {});
    expect(bound.matches!.test('PRICE: $4.00 (+tax)')).toBe(true);
    expect(bound.matches!.test('price: $4X00 (+tax)')).toBe(false);
  });

  it('knows what sets a variable: named groups, save, each; one never set is a problem with its place', () => {
    const file = ok('bot: b\ntests:\n  - name: t\n    steps:\n      - user: hi\n      - bot: { matches: "#(?<ticket>\\\\d+)", save: { said: data.text } }\n      - user: "${ticket} ${said} ${env.HOME}"\n      - bot: any\n');
    expect(file.tests[0]!.steps[1]).toMatchObject({ kind: 'bot', save: { said: 'data.text' } });
    expect(issues('bot: b\ntests:\n  - name: t\n    steps:\n      - user: "status of ${tikcet}"\n      - bot: any\n')).toEqual([
      'f.convo.yaml:5:15: ${tikcet} is never set in this file: set it with a named group in matches ((?<tikcet>…)), save: { tikcet: data.text }, or each (write $${ for a literal ${)',
    ]);
  });
});

describe('each: data-driven cases', () => {
  it('a list of maps is one case per row; a map of lists is their product; each named with its values', () => {
    const rows = ok('bot: b\ntests:\n  - name: weather\n    each: [{ city: Paris }, { city: Oslo }]\n    steps:\n      - user: "weather of ${city}"\n      - bot: { contains: "${city}" }\n');
    expect(rows.tests.map((c) => [c.name, c.vars])).toEqual([['weather [city=Paris]', { city: 'Paris' }], ['weather [city=Oslo]', { city: 'Oslo' }]]);
    const product = ok('bot: b\ntests:\n  - name: greets\n    each: { greeting: [hi, hey], who: [ann, 2] }\n    steps:\n      - user: "${greeting} ${who}"\n      - bot: any\n');
    expect(product.tests.map((c) => c.name)).toEqual(['greets [greeting=hi, who=ann]', 'greets [greeting=hi, who=2]', 'greets [greeting=hey, who=ann]', 'greets [greeting=hey, who=2]']);
    expect(issues('bot: b\ntests:\n  - name: x\n    each: hello\n    steps:\n      - user: hi\n      - bot: any\n')[0]).toMatch(/^f\.convo\.yaml:4:11: each takes a list of maps/);
  });
});

describe('fragments and include', () => {
  const other = (p: string) => (p === 'shared.convo.yaml' ? { path: 'shared.convo.yaml', text: 'fragments:\n  login:\n    - user: login\n    - bot: { contains: welcome }\ntests:\n  - name: x\n    steps:\n      - include: login\n' } : undefined);

  it('inserts a fragment of the file or of another file, with the case’s defaults', () => {
    const file = ok('bot: b\nfragments:\n  hello:\n    - user: hi\n    - bot: any\ntests:\n  - name: t\n    as: bob\n    steps:\n      - include: hello\n      - include: shared.convo.yaml#login\n', other);
    expect(file.tests[0]!.steps.map((s) => [s.kind, s.kind === 'user' ? `${s.as}: ${s.text}` : ''])).toEqual([['user', 'bob: hi'], ['bot', ''], ['user', 'bob: login'], ['bot', '']]);
  });

  it('an unknown fragment, a missing file and a cycle are problems with file:line:column', () => {
    expect(issues('bot: b\ntests:\n  - name: t\n    steps:\n      - include: nope\n')).toEqual(['f.convo.yaml:5:18: include: no fragment "nope" (fragments: none)']);
    expect(issues('bot: b\ntests:\n  - name: t\n    steps:\n      - include: gone.convo.yaml#x\n', other)).toEqual(['f.convo.yaml:5:18: include: cannot read gone.convo.yaml (a path relative to this file)']);
    expect(issues('bot: b\nfragments:\n  a:\n    - include: b\n  b:\n    - include: a\ntests:\n  - name: t\n    steps:\n      - include: a\n')).toEqual(['f.convo.yaml:6:16: include: a includes itself (a → b → a)']);
  });
});

describe('bot steps: eventually, check', () => {
  it('reads eventually and a check reference; a check that is not a module is a problem', () => {
    const file = ok('bot: b\ntests:\n  - name: t\n    steps:\n      - user: hi\n      - bot: { eventually: true, contains: done, check: ./checks.mjs#isPolite }\n');
    expect(file.tests[0]!.steps[1]).toMatchObject({ eventually: true, check: { module: './checks.mjs', name: 'isPolite', file: 'f.convo.yaml' } });
    expect(issues('bot: b\ntests:\n  - name: t\n    steps:\n      - user: hi\n      - bot: { check: ./checks.py#x }\n')[0]).toMatch(/check: \.\/checks\.py is not a JavaScript module/);
  });
});
