// A step with the case's variables in it: `${NAME}` replaced in every string the step sends or
// expects. Pure; throws UnsetVariable for a variable not yet set.
import type { BotExpect, UserStep } from './model.js';
import { escapeRegExp, substitute, substituteDeep } from './variables.js';

type Env = Record<string, string | undefined>;

export function bindUser(step: UserStep, vars: ReadonlyMap<string, string>, env: Env): UserStep {
  return {
    ...step,
    ...(step.text !== undefined ? { text: substitute(step.text, vars, env) } : {}),
    ...(step.metadata ? { metadata: substituteDeep(step.metadata, vars, env) } : {}),
    ...(step.custom ? { custom: { type: substitute(step.custom.type, vars, env), data: substituteDeep(step.custom.data, vars, env) } } : {}),
    ...(step.attachment ? { attachment: { ...step.attachment, url: substitute(step.attachment.url, vars, env), name: substitute(step.attachment.name, vars, env) } } : {}),
  };
}

export function bindExpect(expect: BotExpect, vars: ReadonlyMap<string, string>, env: Env): BotExpect {
  const { matchesTemplate, ...rest } = expect;
  return {
    ...rest,
    ...(expect.text !== undefined ? { text: substitute(expect.text, vars, env) } : {}),
    ...(expect.contains ? { contains: expect.contains.map((c) => substitute(c, vars, env)) } : {}),
    // A value inserted into a pattern matches itself, not as a pattern.
    ...(matchesTemplate ? { matches: new RegExp(substitute(matchesTemplate.source, vars, env, escapeRegExp), matchesTemplate.flags) } : {}),
    ...(expect.json ? { json: expect.json.map((j) => (j.regex ? j : { ...j, equals: substituteDeep(j.equals, vars, env) })) } : {}),
  };
}
