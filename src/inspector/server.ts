// The web inspector: a page on 127.0.0.1 listing captures live (server-sent events), with detail,
// schema and replay. Refuses foreign Host headers (DNS rebinding) and foreign Origins on POST (CSRF);
// never sends a secret to the page.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StoredRecord } from '../adapters/capture-files.js';
import { serverStartError } from '../core/server-start-error.js';
import { summarize, preview, type CaptureRecord, type MessageSummary } from '../core/capture.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './assets.js';
import type { Credentials } from '../core/basic-auth.js';
import { signedPost } from '../adapters/signed-post.js';

/**
 * What the inspector needs of a live source (listen's callback server): each request as it is recorded.
 * Its own narrow interface, so the inspector knows nothing else of listen.
 */
export interface LiveFeed {
  on(event: 'request', listener: (request: { record: CaptureRecord }) => void): unknown;
  on(event: 'rejected', listener: (record: CaptureRecord) => void): unknown;
  off(event: 'request', listener: (request: { record: CaptureRecord }) => void): unknown;
  off(event: 'rejected', listener: (record: CaptureRecord) => void): unknown;
}

export interface InspectorOptions {
  port: number;
  captureFiles: string[];
  /** New requests stream to the page from here. Absent for `captures inspect` (read-only). */
  live?: LiveFeed;
  forwardTo?: URL;
  /** Credentials for replays; kept server-side. */
  replayAuth?: Credentials;
  /** Where the inspector's warnings go (the command renders them). */
  warn: (line: string) => void;
}

export const MAX_PAGE_RECORDS = 20_000;

export interface Inspector {
  url: string;
  close(): Promise<void>;
}

/** One row of the request list: the record's verdict plus what the payload says (text shortened). */
export interface RowSummary extends Pick<CaptureRecord, 'id' | 'receivedAt' | 'verdict' | 'status' | 'reason' | 'json'>, Pick<MessageSummary, 'sender' | 'receiver' | 'receiverType' | 'category' | 'type' | 'text'> {
  duplicate: boolean;
}

export function rowSummary(r: CaptureRecord): RowSummary {
  const s = r.body !== undefined ? summarize(r.body) : {};
  return {
    id: r.id,
    receivedAt: r.receivedAt,
    verdict: r.verdict,
    status: r.status,
    ...(r.reason ? { reason: r.reason } : {}),
    json: r.json,
    duplicate: Boolean(r.duplicate),
    sender: s.sender,
    receiver: s.receiver,
    receiverType: s.receiverType,
    category: s.category,
    type: s.type,
    text: s.text !== undefined ? preview(s.text, 140) : undefined,
  };
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const { createServer } = await import('node:http');
  const { CaptureReader } = await import('../adapters/capture-files.js');
  // Oldest first; live requests are appended. At most MAX_PAGE_RECORDS are served, and memory is
  // trimmed back to that many once twice as many have piled up (amortised, no per-request shifting).
  let records: CaptureRecord[] = [];
  try {
    // The newest MAX_PAGE_RECORDS: the page stays fast, and memory bounded, whatever is on disk.
    records = options.captureFiles.length ? (await new CaptureReader(options.captureFiles).newest(MAX_PAGE_RECORDS)).map(stripFile).reverse() : [];
    if (records.length === MAX_PAGE_RECORDS) options.warn(`the inspector shows the newest ${MAX_PAGE_RECORDS} captures; use --file to pick others`);
  } catch (e) {
    options.warn(`the inspector starts empty: ${(e as Error).message}`);
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  const clients = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  const addLive = (record: CaptureRecord) => {
    if (byId.has(record.id)) return;
    records.push(record);
    byId.set(record.id, record);
    if (records.length > 2 * MAX_PAGE_RECORDS) for (const old of records.splice(0, records.length - MAX_PAGE_RECORDS)) byId.delete(old.id);
    if (clients.size === 0) return; // no page open: nothing more to do per request
    const data = `event: capture\ndata: ${JSON.stringify(rowSummary(record))}\n\n`;
    for (const c of clients) {
      // A page that stopped reading (a hidden tab, a stalled proxy) is dropped, not buffered forever.
      if (c.writableLength > 8 * 1024 * 1024) {
        clients.delete(c);
        c.destroy();
      } else c.write(data);
    }
  };
  const onRequest = (req: { record: CaptureRecord }) => addLive(req.record);
  const onRejected = (record: CaptureRecord) => addLive(record);
  options.live?.on('request', onRequest);
  options.live?.on('rejected', onRejected);

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => send(res, 500, { error: e.message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign name resolving to 127.0.0.1 still carries its own Host header.
    if (!allowedHosts.has(String(req.headers.host ?? '').toLowerCase())) return send(res, 403, { error: 'forbidden host' });
    const url = new URL(req.url ?? '/', 'http://inspector');
    // HEAD is a GET without the body (Node drops it): same answers, same checks.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    if (method === 'POST') {
      // CSRF: a page elsewhere may POST here; browsers always say where from.
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedHosts.has(originHost(origin))) return send(res, 403, { error: 'forbidden origin' });
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, { error: 'expected application/json' });
    } else if (method !== 'GET') return send(res, 405, { error: 'method not allowed' });

    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, { error: 'malformed percent-encoding in the path' });
    }
    if (method === 'GET' && path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS).end(); // no icon: and no console error on every page load
      return;
    }
    if (method === 'GET' && path === '/') return sendText(res, 'text/html; charset=utf-8', PAGE_HTML);
    if (method === 'GET' && path === '/app.js') return sendText(res, 'text/javascript; charset=utf-8', PAGE_JS);
    if (method === 'GET' && path === '/app.css') return sendText(res, 'text/css; charset=utf-8', PAGE_CSS);
    if (method === 'GET' && path === '/api/config') {
      return send(res, 200, { live: Boolean(options.live), forwardTo: options.forwardTo?.href ?? null, replayable: Boolean(options.forwardTo && options.replayAuth) });
    }
    if (method === 'GET' && path === '/api/captures') {
      const rows: RowSummary[] = [];
      for (let i = records.length - 1; i >= 0 && rows.length < MAX_PAGE_RECORDS; i--) rows.push(rowSummary(records[i]!));
      return send(res, 200, rows);
    }
    if (method === 'GET' && path.startsWith('/api/captures/')) {
      const record = byId.get(path.slice('/api/captures/'.length));
      return record ? send(res, 200, record) : send(res, 404, { error: 'no such capture' });
    }
    if (method === 'GET' && path === '/api/schema') return send(res, 200, await schema(records));
    if (method === 'GET' && path === '/api/events') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (method === 'POST' && path.startsWith('/api/replay/')) {
      const record = byId.get(path.slice('/api/replay/'.length));
      if (!record) return send(res, 404, { error: 'no such capture' });
      if (!options.forwardTo || !options.replayAuth) return send(res, 409, { error: 'no replay target: start listen with --forward-to URL' });
      const result = await replay(record);
      return send(res, result.error ? (result.status === undefined && /rejected/.test(String(result.error)) ? 409 : 502) : 200, result);
    }
    return send(res, 404, { error: 'not found' });
  }

  async function replay(record: CaptureRecord): Promise<Record<string, unknown>> {
    if (!options.forwardTo || !options.replayAuth) return { error: 'no replay target: start listen with --forward-to URL' };
    if (record.body === undefined && record.rawBody === undefined) return { error: 'this request was rejected, so no body was recorded' };
    const result = await signedPost({
      url: options.forwardTo,
      body: record.body !== undefined ? JSON.stringify(record.body) : record.rawBody!,
      json: record.json,
      contentType: record.json ? undefined : headerValue(record.headers['content-type']),
      auth: options.replayAuth,
      userAgent: 'cometbot-inspector-replay',
    });
    return { id: record.id, url: options.forwardTo.href, ...(result.status !== null ? { status: result.status, ms: result.ms } : { error: result.error }) };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(serverStartError(e, { what: 'the inspector', port: `inspector port ${options.port}`, hint: 'pass another --inspect-port (0 picks a free one)' })),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      options.live?.off('request', onRequest);
      options.live?.off('rejected', onRejected);
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function stripFile(r: StoredRecord): CaptureRecord {
  const { file: _file, ...record } = r;
  return record;
}

function originHost(origin: string): string {
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' ? u.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

async function schema(records: CaptureRecord[]): Promise<Record<string, unknown>> {
  const { SchemaInferrer } = await import('../core/schema.js');
  const inferrer = new SchemaInferrer();
  for (const r of records) if (r.verdict === 'accepted' && r.json && r.body !== undefined) inferrer.add(r.body);
  if (inferrer.samples === 0) return { error: 'No accepted JSON payloads yet.' };
  const jsonSchema = inferrer.toJsonSchema();
  const { toTypeScript } = await import('../adapters/typescript-emitter.js');
  return { jsonSchema, typescript: await toTypeScript(jsonSchema) };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, type: string, text: string): void {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
