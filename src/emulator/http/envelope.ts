// CometChat's HTTP envelope: `{data, meta?}` or `{error:{message, devMessage, source, code, details?}}`,
// reading bodies within the limit, and what the request log may keep (secrets redacted).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { fail, type ApiError } from '../backend/errors.js';
import type { Json } from '../backend/model.js';
import { isObject } from './input.js';

export const MAX_BODY = 1024 * 1024;

export function errorBody(e: ApiError): Json {
  return { error: { message: e.message, devMessage: e.message, source: 'chat-api', code: e.code, ...(e.details ? { details: e.details } : {}) } };
}

/** An unexpected throw is a bug of ours: a 500 that says so, never a crash. */
export function internalError(e: unknown): Json {
  return { error: { message: 'Internal emulator error.', devMessage: String(e), source: 'chat-api', code: 'ERR_INTERNAL' } };
}

/**
 * The body as a JSON object ({} when empty). Over the limit it is a 413 and the connection is closed
 * once answered: the rest of the body is never read, so the socket cannot be reused.
 */
export async function readJson(req: IncomingMessage, res: ServerResponse): Promise<Json> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) return tooLarge(res);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return tooLarge(res);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return fail(400, 'ERR_BAD_REQUEST', 'The request body is not valid JSON.');
  }
  return isObject(parsed) ? parsed : fail(400, 'ERR_BAD_REQUEST', 'The request body must be a JSON object.');
}

function tooLarge(res: ServerResponse): never {
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
  return fail(413, 'ERR_PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY / 1024 / 1024} MiB.`);
}

export function writeJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  // An unread request body would be parsed as the next request: a refused upload closes its socket.
  if (res.getHeader('connection') === 'close') res.once('finish', () => res.req.socket.destroySoon());
}

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = name === 'apikey' || name === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function redactBody(body: Json): Json {
  return 'password' in body ? { ...body, password: '[redacted]' } : body;
}

