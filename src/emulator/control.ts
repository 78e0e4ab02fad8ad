// The emulator's own routes (/_emulator/…), for scripts and CI: health, reset, the outbox, state, faults.
import type { Backend } from './backend/index.js';
import { fail } from './backend/errors.js';
import type { Fault, Json } from './backend/model.js';
import { isObject } from './http/input.js';
import type { OutboxEntry } from './outbox.js';
import { botView, groupView, messageView, userView } from './views.js';

export interface ControlDeps {
  backend: Backend;
  appId: string;
  region: string;
  startedAt: number;
  /** The emulator's clock now (ms), so uptime follows an injected clock too. */
  now: number;
  outbox: { since(seq: number): OutboxEntry[]; last(): number };
  reset(): void;
}

export function control(method: string, path: string, body: Json, query: URLSearchParams, d: ControlDeps): unknown {
  const { backend } = d;
  if (method === 'GET' && path === '/_emulator/health') return { data: { ok: true, appId: d.appId, region: d.region, uptimeMs: d.now - d.startedAt } };
  if (method === 'POST' && path === '/_emulator/reset') {
    d.reset();
    return { data: { ok: true } };
  }
  if (method === 'GET' && path === '/_emulator/outbox') {
    const since = Number(query.get('since') ?? 0);
    if (!Number.isInteger(since) || since < 0) fail(400, 'ERR_BAD_REQUEST', 'since must be a whole number (the "next" of an earlier answer).');
    return { data: d.outbox.since(since), next: d.outbox.last() };
  }
  if (method === 'GET' && path === '/_emulator/state') {
    const byConversation = new Map<string, Json[]>();
    for (const m of backend.allMessages()) {
      const list = byConversation.get(m.conversationId) ?? [];
      list.push(messageView(m));
      byConversation.set(m.conversationId, list);
    }
    return {
      data: {
        users: backend.users.list({ withDeactivated: true }).map((u) => userView(u)),
        bots: backend.botsApi ? backend.bots.list().map(({ password: _p, ...bot }) => botView(bot as never)) : [],
        groups: backend.groups.list().map((g) => ({ ...groupView(g), members: [...g.members.keys()] })),
        conversations: [...byConversation].map(([conversationId, messages]) => ({ conversationId, messages })),
        deliveries: backend.deliveries(),
      },
    };
  }
  if (method === 'DELETE' && path === '/_emulator/faults') {
    backend.setFaults([]);
    return { data: { faults: [], botsApi: backend.botsApi } };
  }
  if (method === 'POST' && path === '/_emulator/faults') {
    // Appends; {"replace": true} replaces the list (so {"faults": [], "replace": true} clears it, as DELETE does).
    if (body.faults !== undefined) {
      const faults = Array.isArray(body.faults) ? body.faults.map(checkFault) : fail(400, 'ERR_BAD_REQUEST', 'faults must be a list of {status, code, times, retryAfter?, match?}.');
      backend.setFaults(body.replace === true ? faults : [...backend.faults(), ...faults]);
    } else if (body.replace === true) backend.setFaults([]);
    if (typeof body.botsApi === 'boolean') backend.botsApi = body.botsApi;
    return { data: { faults: backend.faults(), botsApi: backend.botsApi } };
  }
  return fail(404, 'ERR_ROUTE_NOT_FOUND', `The emulator route ${method} ${path} does not exist.`);
}

function checkFault(raw: unknown): Fault {
  const f = isObject(raw) ? raw : {};
  const status = f.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) fail(400, 'ERR_BAD_REQUEST', 'fault.status must be a whole number from 400 to 599.');
  if (typeof f.code !== 'string' || !f.code) fail(400, 'ERR_BAD_REQUEST', 'fault.code must be a CometChat error code, e.g. ERR_TOO_MANY_REQUESTS.');
  const times = f.times === undefined ? 1 : f.times;
  if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) fail(400, 'ERR_BAD_REQUEST', 'fault.times must be a whole number of at least 1.');
  if (f.retryAfter !== undefined && (typeof f.retryAfter !== 'number' || f.retryAfter < 0)) fail(400, 'ERR_BAD_REQUEST', 'fault.retryAfter must be a number of seconds.');
  if (f.match !== undefined && typeof f.match !== 'string') fail(400, 'ERR_BAD_REQUEST', 'fault.match must be a string.');
  return { status: status as number, code: f.code as string, times: times as number, ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter as number } : {}), ...(typeof f.match === 'string' ? { match: f.match } : {}) };
}
