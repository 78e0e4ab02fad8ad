// Variables in conversation files: `${NAME}` (set by a named group in `matches`, a `save`, or a row of
// `each`), `${env.NAME}` (the environment), `$${` for a literal `${`. Pure: the environment is passed in.

/** A `${NAME}` that is not yet set when its step runs. */
export class UnsetVariable extends Error {
  constructor(readonly variable: string) {
    super(`the variable \${${variable}} is used before it is set`);
  }
}

const REFERENCE = /\$?\$\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}/g;

/** The variables a text refers to (without `env.` ones, and not the escaped `$${…}`). */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(REFERENCE)) if (!m[0].startsWith('$$') && !m[1]!.startsWith('env.')) names.push(m[1]!);
  return names;
}

export function hasReference(text: string): boolean {
  return text.includes('${');
}

/** `text` with every `${NAME}` replaced; `escape` transforms each inserted value (e.g. for a regular expression). */
export function substitute(text: string, vars: ReadonlyMap<string, string>, env: Record<string, string | undefined>, escape: (v: string) => string = (v) => v): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (whole, name: string) => {
    if (whole.startsWith('$$')) return whole.slice(1); // $${x} is the literal ${x}
    if (name.startsWith('env.')) {
      const value = env[name.slice(4)];
      if (value === undefined) throw new UnsetVariable(name);
      return escape(value);
    }
    const value = vars.get(name);
    if (value === undefined) throw new UnsetVariable(name);
    return escape(value);
  });
}

/** Every string inside a JSON-like value substituted (keys kept as written). */
export function substituteDeep<T>(value: T, vars: ReadonlyMap<string, string>, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return substitute(value, vars, env) as T;
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, vars, env)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, vars, env)])) as T;
  return value;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The names of a regular expression's named groups: each sets a variable when the step matches. */
export function namedGroups(source: string): string[] {
  return [...source.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}
