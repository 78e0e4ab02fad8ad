// The one "POST a body, signed with Basic Auth" of cometbot: forward, replay, the inspector's replay,
// the emulator's relay and the self-test all send through here, with one timeout and one content-type rule.
import { basicAuthHeader, type Credentials } from '../core/basic-auth.js';

export const SIGNED_POST_TIMEOUT_MS = 10_000;

export interface SignedPost {
  url: string | URL;
  body: string;
  /** Credentials to sign with, or an Authorization header value to pass on as received. */
  auth?: Credentials | string;
  /** Defaults to JSON; a body that was not JSON keeps the content type it arrived with, else text/plain. */
  contentType?: string;
  json?: boolean;
  userAgent: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Read and keep the answer's body (for a report); otherwise it is drained and dropped. */
  keepBody?: boolean;
}

export interface SignedPostResult {
  status: number | null;
  ms: number;
  /** Set when no answer came: "no answer within 2000 ms", "ECONNREFUSED", … */
  error?: string;
  body?: string;
}

export function postContentType(post: Pick<SignedPost, 'contentType' | 'json'>): string {
  if (post.json === false) return post.contentType ?? 'text/plain';
  return post.contentType ?? 'application/json';
}

export async function signedPost(post: SignedPost): Promise<SignedPostResult> {
  const timeoutMs = post.timeoutMs ?? SIGNED_POST_TIMEOUT_MS;
  const headers: Record<string, string> = { 'content-type': postContentType(post), 'user-agent': post.userAgent, ...post.headers };
  if (post.auth !== undefined) headers.authorization = typeof post.auth === 'string' ? post.auth : basicAuthHeader(post.auth);
  const started = performance.now();
  try {
    const res = await fetch(post.url, { method: 'POST', headers, body: post.body, signal: AbortSignal.timeout(timeoutMs) });
    const body = post.keepBody ? await res.text().catch(() => '') : (await res.arrayBuffer().catch(() => undefined), undefined);
    return { status: res.status, ms: Math.round(performance.now() - started), ...(body !== undefined ? { body } : {}) };
  } catch (e) {
    return { status: null, ms: Math.round(performance.now() - started), error: describeFetchError(e, timeoutMs) };
  }
}

export function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const reason = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  // fetch refuses the WHATWG "bad ports" (6000, 6665–6669, 10080…) without trying: say so.
  if (reason === 'bad port') return 'port blocked by fetch (a WHATWG "bad port" such as 6000 or 6665–6669): give your bot another port';
  return reason;
}
