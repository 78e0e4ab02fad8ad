// The REST route table: served operations by (method, path template), and for the rest CometChat's
// OpenAPI, so an operation the emulator does not serve is a 501 that names it, not a bare 404.
import type { IncomingHttpHeaders } from 'node:http';
import { fail } from '../backend/errors.js';
import type { Body, Query } from './input.js';
import { OPENAPI_OPERATIONS } from './openapi-operations.js';

/** What a call did, for its outbox entry. */
export interface CallNote {
  /** The CometChat host the bot called, when the call was routed here from it. */
  host?: string;
  callbackId?: number;
  messageId?: string;
  warning?: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  body: Body;
  query: Query;
  headers: IncomingHttpHeaders;
  /** The onBehalfOf header, lower-cased, if sent. */
  onBehalfOf?: string;
  note: CallNote;
}

export interface Answer {
  data: unknown;
  meta?: unknown;
}

export type Handler = (req: ApiRequest) => Answer;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
}

interface Route extends Operation {
  regex: RegExp;
  names: string[];
  handler: Handler;
}

const compile = (template: string): { regex: RegExp; names: string[] } => {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}/?$`), names };
};

const SPEC = OPENAPI_OPERATIONS.map(([method, path, operationId]) => ({ method, path, operationId, ...compile(path) }));

export class Router {
  private readonly routes: Route[] = [];

  /** Serves `METHOD template`; the operationId is the OpenAPI's, or ours for /bots (not in the OpenAPI). */
  on(method: string, template: string, handler: Handler, operationId?: string): void {
    const id = operationId ?? SPEC.find((s) => s.method === method && s.path === template)?.operationId;
    if (!id) throw new Error(`${method} ${template} is not an operation of the OpenAPI: name its operationId`);
    this.routes.push({ method, path: template, operationId: id, handler, ...compile(template) });
  }

  /** The operations served, in the order they were registered. */
  operations(): Operation[] {
    return this.routes.map(({ method, path, operationId }) => ({ method, path, operationId }));
  }

  find(method: string, path: string): { route: Operation; handler: Handler; params: Record<string, string> } {
    let pathServed = false;
    for (const route of this.routes) {
      const match = route.regex.exec(path);
      if (!match) continue;
      pathServed = true;
      if (route.method !== method) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, safeDecode(match[i + 1]!)]));
      return { route, handler: route.handler, params };
    }
    const spec = SPEC.find((s) => s.method === method && s.regex.test(path));
    if (spec) fail(501, 'ERR_NOT_EMULATED', `${method} ${spec.path} (${spec.operationId}) is not emulated by cometbot`);
    if (pathServed || SPEC.some((s) => s.regex.test(path))) fail(405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}.`);
    return fail(404, 'ERR_ROUTE_NOT_FOUND', `The route ${path} does not exist in CometChat's REST API.`);
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return fail(400, 'ERR_BAD_REQUEST', `The path segment ${part} is not valid percent-encoding.`);
  }
}
