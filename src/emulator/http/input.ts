// Reading a request's body, query and headers the way CometChat validates them: a wrong type or a
// missing required field is a 400 with the field named, never a silent drop.
import type { IncomingHttpHeaders } from 'node:http';
import { fail, invalid } from '../backend/errors.js';
import type { Json } from '../backend/model.js';

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Body {
  constructor(readonly raw: Json) {}

  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  string(field: string, max = 1_000): string | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') invalid(field, `The ${field} must be a string.`);
    if (v.length > max) invalid(field, `The ${field} may not be greater than ${max} characters.`);
    return v;
  }

  requiredString(field: string, max = 1_000): string {
    const v = this.string(field, max);
    return v !== undefined && v.trim() ? v.trim() : invalid(field, `The ${field} field is required.`);
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const v = this.string(field);
    if (v === undefined) return undefined;
    return values.includes(v as T) ? (v as T) : invalid(field, `The ${field} must be one of ${values.join(', ')}.`);
  }

  boolean(field: string): boolean | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : invalid(field, `The ${field} must be true or false.`);
  }

  object(field: string): Json | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    return isObject(v) ? v : invalid(field, `The ${field} must be an object.`);
  }

  strings(field: string): string[] | undefined {
    const v = this.raw[field];
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : invalid(field, `The ${field} must be a list of strings.`);
  }

  requiredStrings(field: string): string[] {
    const v = this.strings(field);
    return v && v.length > 0 ? v : invalid(field, `The ${field} field is required (a list of strings).`);
  }
}

export class Query {
  constructor(readonly params: URLSearchParams) {}

  string(name: string): string | undefined {
    const v = this.params.get(name);
    return v === null || v === '' ? undefined : v;
  }

  int(name: string, options: { min?: number; max?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < (options.min ?? 0) || (options.max !== undefined && n > options.max)) invalid(name, `The ${name} must be a whole number${options.max !== undefined ? ` from ${options.min ?? 0} to ${options.max}` : ` of at least ${options.min ?? 0}`}.`);
    return n;
  }

  boolean(name: string): boolean | undefined {
    const v = this.string(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return invalid(name, `The ${name} must be true or false.`);
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    return values.includes(v as T) ? (v as T) : invalid(name, `The ${name} must be one of ${values.join(', ')}.`);
  }

  /** `tags=a&tags=b`, `tags[]=a`, or `tags=a,b`: every form clients send. */
  list(name: string): string[] | undefined {
    const values = [...this.params.getAll(name), ...this.params.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
    return values.length ? values : undefined;
  }
}

/** The onBehalfOf header in any case of its name (Node lowers them), or undefined. */
export function onBehalfOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers.onbehalfof;
  const text = Array.isArray(v) ? v[0] : v;
  return text && text.trim() ? text.trim().toLowerCase() : undefined;
}

export function requireOnBehalfOf(headers: IncomingHttpHeaders): string {
  return onBehalfOf(headers) ?? fail(400, 'ERR_ON_BEHALF_OF_MISSING', 'The onBehalfOf header is required for this route: the uid of the user the call acts for.');
}
