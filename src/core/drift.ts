// Drift between two JSON Schemas inferred from captures (`captures schema --check SAVED.json`): fields
// added and removed, types changed, enum values new — CometChat changing its payload, caught in CI.
type Schema = Record<string, unknown>;

interface Field {
  types: Set<string>;
  enum?: Set<string>;
  /** "12/40" from the inferred description ("Seen in 12 of 40 samples."). */
  samples?: string;
}

/** Every field of a schema by dot path (array items as `path[]`), with its types and enum values. */
export function flattenSchema(schema: Schema): Map<string, Field> {
  const out = new Map<string, Field>();
  const visit = (node: Schema, path: string) => {
    const variants = Array.isArray(node.anyOf) ? (node.anyOf as Schema[]) : Array.isArray(node.oneOf) ? (node.oneOf as Schema[]) : [node];
    const field: Field = out.get(path) ?? { types: new Set() };
    const samples = typeof node.description === 'string' ? /Seen in (\d+) of (\d+) sample/.exec(node.description) : null;
    if (samples) field.samples = `${samples[1]}/${samples[2]}`;
    for (const v of variants) {
      if (typeof v.type === 'string') field.types.add(v.type === 'integer' ? 'number' : v.type);
      if (Array.isArray(v.enum)) {
        field.enum ??= new Set();
        for (const e of v.enum) field.enum.add(String(e));
      }
      if (v.properties && typeof v.properties === 'object') {
        for (const [name, child] of Object.entries(v.properties as Record<string, Schema>)) visit(child, path ? `${path}.${name}` : name);
      }
      if (v.items && typeof v.items === 'object') visit(v.items as Schema, `${path}[]`);
    }
    if (path) out.set(path, field);
  };
  visit(schema, '');
  return out;
}

/** The schema of each trigger: a oneOf discriminated by `trigger` (several triggers), else the one shape. */
function byTrigger(schema: Schema): Map<string, Schema> {
  const variants = Array.isArray(schema.oneOf) ? (schema.oneOf as Schema[]) : [];
  const consts = variants.map((v) => ((v.properties as Record<string, Schema> | undefined)?.trigger as { const?: unknown } | undefined)?.const);
  if (variants.length && consts.every((c) => typeof c === 'string')) return new Map(variants.map((v, i) => [consts[i] as string, v]));
  return new Map([['', schema]]);
}

/**
 * One line per difference: `+ data.muid: string, 12/40 samples`, `- data.data.resource`,
 * `~ data.sentAt: number → string`, `enum data.type: + poll`. With several triggers, per trigger
 * (`[message_sent] + data.message.muid …`), and a trigger that appears or disappears is a line too.
 */
export function schemaDrift(saved: Schema, now: Schema): string[] {
  const before = byTrigger(saved);
  const after = byTrigger(now);
  // One trigger on both sides (whatever its name): compare the shapes directly.
  if (before.size === 1 && after.size === 1) return shapeDrift([...before.values()][0]!, [...after.values()][0]!);
  const lines: string[] = [];
  for (const t of [...after.keys()].sort()) if (!before.has(t)) lines.push(`+ trigger ${t || '(none)'}`);
  for (const t of [...before.keys()].sort()) if (!after.has(t)) lines.push(`- trigger ${t || '(none)'}`);
  for (const t of [...before.keys()].sort()) {
    const a = after.get(t);
    if (a) for (const line of shapeDrift(before.get(t)!, a)) lines.push(`[${t || '(none)'}] ${line}`);
  }
  return lines;
}

function shapeDrift(saved: Schema, now: Schema): string[] {
  const before = flattenSchema(saved);
  const after = flattenSchema(now);
  const lines: string[] = [];
  // A field under a removed (or added) object is reported once, at the top.
  const under = (path: string, set: Set<string>) => [...set].some((p) => path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const [path, f] of [...after].sort(([a], [b]) => a.localeCompare(b))) {
    if (before.has(path) || under(path, added)) continue;
    added.add(path);
    lines.push(`+ ${path}: ${[...f.types].sort().join(' | ') || 'any'}${f.samples ? `, ${f.samples} samples` : ''}`);
  }
  for (const [path] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    if (after.has(path) || under(path, removed)) continue;
    removed.add(path);
    lines.push(`- ${path}`);
  }
  for (const [path, was] of [...before].sort(([a], [b]) => a.localeCompare(b))) {
    const is = after.get(path);
    if (!is) continue;
    const a = [...was.types].sort().join(' | ');
    const b = [...is.types].sort().join(' | ');
    if (a !== b) lines.push(`~ ${path}: ${a} → ${b}`);
    if (was.enum && is.enum) {
      const fresh = [...is.enum].filter((v) => !was.enum!.has(v)).sort();
      if (fresh.length) lines.push(`enum ${path}: ${fresh.map((v) => `+ ${v}`).join(', ')}`);
    } else if (was.enum && !is.enum && is.types.has('string')) lines.push(`enum ${path}: now free text (more than a few values)`);
  }
  return lines;
}
