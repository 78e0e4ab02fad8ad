// Infers a JSON Schema (draft 2020-12) from sample payloads: optional fields, unions, string enums
// where few values were seen, and per-field sample counts. Pure, bounded memory, deterministic output.

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'object' | 'array';
const KIND_ORDER: Kind[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

/** Distinct string values tracked per field; beyond this a field is free text, never an enum. */
const MAX_TRACKED_STRINGS = 50;
/** At most this many distinct values become an enum. */
export const MAX_ENUM_VALUES = 12;

/** Fields whose values identify or describe people and messages: never enums, whatever was seen. */
const FREE_FORM = /^(id|muid|uid|guid|sender|receiver|conversationId|text|name|avatar|link|url|icon|resource|appId|bot|parentId|description|title|message|email|phone|statusMessage|tags|key|value)$|(Id|Uid|Guid|At|URL|Url|Name)$/;

interface Shape {
  count: number;
  kinds: Map<Kind, number>;
  strings: Map<string, number>;
  stringsOverflow: boolean;
  props: Map<string, Shape>;
  objects: number;
  items?: Shape;
}

const newShape = (): Shape => ({ count: 0, kinds: new Map(), strings: new Map(), stringsOverflow: false, props: new Map(), objects: 0 });

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    default:
      return 'object';
  }
}

function addValue(shape: Shape, value: unknown): void {
  shape.count++;
  const kind = kindOf(value);
  shape.kinds.set(kind, (shape.kinds.get(kind) ?? 0) + 1);
  if (kind === 'string') {
    const s = value as string;
    if (shape.strings.has(s)) shape.strings.set(s, shape.strings.get(s)! + 1);
    else if (shape.strings.size < MAX_TRACKED_STRINGS) shape.strings.set(s, 1);
    else shape.stringsOverflow = true;
  } else if (kind === 'object') {
    shape.objects++;
    for (const key of Object.keys(value as object)) {
      let child = shape.props.get(key);
      if (!child) shape.props.set(key, (child = newShape()));
      addValue(child, (value as Record<string, unknown>)[key]);
    }
  } else if (kind === 'array') {
    shape.items ??= newShape();
    for (const item of value as unknown[]) addValue(shape.items, item);
  }
}

export type JsonSchema = Record<string, unknown>;

export class SchemaInferrer {
  private readonly root = newShape();

  add(sample: unknown): void {
    addValue(this.root, sample);
  }

  get samples(): number {
    return this.root.count;
  }

  toJsonSchema(title = 'CometChatBotCallback'): JsonSchema {
    return {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title,
      description: `Inferred by cometbot from ${this.root.count} captured payload${this.root.count === 1 ? '' : 's'}. CometChat does not document this shape: fields seen in every sample are required, the rest optional.`,
      ...schemaOf(this.root, undefined),
    };
  }
}

function schemaOf(shape: Shape, field: string | undefined): JsonSchema {
  const kinds = KIND_ORDER.filter((k) => shape.kinds.has(k));
  // An integer seen alongside fractional numbers is just a number.
  const merged = kinds.includes('number') ? kinds.filter((k) => k !== 'integer') : kinds;
  const variants = merged.map((kind) => variant(shape, kind, field));
  if (variants.length === 0) return {};
  return variants.length === 1 ? variants[0]! : { anyOf: variants };
}

function variant(shape: Shape, kind: Kind, field: string | undefined): JsonSchema {
  switch (kind) {
    case 'string': {
      const seen = shape.kinds.get('string')!;
      const distinct = shape.strings.size;
      const enumLike =
        !shape.stringsOverflow && field !== undefined && !FREE_FORM.test(field) && distinct <= MAX_ENUM_VALUES && seen >= 2 && distinct <= Math.max(1, Math.floor(seen / 2));
      return enumLike ? { type: 'string', enum: [...shape.strings.keys()].sort() } : { type: 'string' };
    }
    case 'object': {
      const names = [...shape.props.keys()].sort();
      const properties: Record<string, JsonSchema> = {};
      for (const name of names) {
        const child = shape.props.get(name)!;
        properties[name] = { ...schemaOf(child, name), description: `Seen in ${child.count} of ${shape.objects} sample${shape.objects === 1 ? '' : 's'}.` };
      }
      const required = names.filter((n) => shape.props.get(n)!.count === shape.objects);
      return { type: 'object', properties, ...(required.length ? { required } : {}) };
    }
    case 'array':
      return { type: 'array', items: shape.items && shape.items.count > 0 ? schemaOf(shape.items, field) : {} };
    default:
      return { type: kind };
  }
}

/**
 * One inferrer per `trigger`: a bot callback, a newer webhook (message_sent), an edit each keep their own
 * required fields instead of everything turning optional. With one trigger the schema is that shape;
 * with several, a oneOf discriminated by `trigger` (TypeScript: a union of one interface per trigger).
 */
export class TriggerSchemaInferrer {
  private readonly byTrigger = new Map<string, SchemaInferrer>();

  add(sample: unknown): void {
    const trigger = sample && typeof sample === 'object' && typeof (sample as { trigger?: unknown }).trigger === 'string' ? (sample as { trigger: string }).trigger : '';
    let inferrer = this.byTrigger.get(trigger);
    if (!inferrer) this.byTrigger.set(trigger, (inferrer = new SchemaInferrer()));
    inferrer.add(sample);
  }

  get samples(): number {
    return [...this.byTrigger.values()].reduce((n, i) => n + i.samples, 0);
  }

  toJsonSchema(title = 'CometChatBotCallback'): JsonSchema {
    const triggers = [...this.byTrigger.keys()].sort();
    if (triggers.length === 1) return this.byTrigger.get(triggers[0]!)!.toJsonSchema(title);
    const variants = triggers.map((trigger) => {
      const { $schema: _s, ...variant } = this.byTrigger.get(trigger)!.toJsonSchema(triggerTitle(trigger));
      const properties = { ...(variant.properties as Record<string, JsonSchema> | undefined) };
      if (trigger) properties.trigger = { const: trigger, description: (properties.trigger as { description?: string } | undefined)?.description };
      return { ...variant, properties };
    });
    return {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'CometChatCallback',
      description: `Inferred by cometbot from ${this.samples} captured payloads with ${triggers.length} triggers (${triggers.map((t) => t || '(none)').join(', ')}): one shape per trigger.`,
      oneOf: variants,
    };
  }
}

/** after_message → AfterMessageCallback; message_edited → MessageEditedCallback. */
export function triggerTitle(trigger: string): string {
  const words = (trigger || 'untriggered').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Callback`;
}
