// The public URL's lifecycle: open the tunnel, prove it reaches the callback server (the self-test),
// fall back to no edge auth when ngrok's edge swallows the Authorization header, close. It emits
// events; `listen` renders them and decides what to register.
import { EventEmitter } from 'node:events';
import type { Tunnel, TunnelOpener } from '../adapters/tunnel.js';
import { describeTunnelError } from '../adapters/tunnel.js';
import { signedPost } from '../adapters/signed-post.js';
import { SELFTEST_HEADER, type CallbackServerEvents } from './callback-server.js';

export const SELFTEST_TIMEOUT_MS = 10_000;

type SelfTest = CallbackServerEvents['selftest'][0];

/** What the endpoint needs from the callback server: its self-test answers. */
export interface SelfTestTarget {
  expectSelfTest(nonce: string): void;
  clearSelfTest(): void;
  on(event: 'selftest', listener: (t: SelfTest) => void): unknown;
  off(event: 'selftest', listener: (t: SelfTest) => void): unknown;
}

export interface PublicEndpointOptions {
  opener: () => Promise<TunnelOpener>;
  /** Local address the tunnel forwards to. */
  addr: string;
  authtoken: string;
  domain?: string;
  /** The callback's Basic Auth, also set at ngrok's edge; null with --no-auth. */
  credentials: { username: string; password: string } | null;
  path: string;
  server: SelfTestTarget;
  nonce: () => string;
  selfTestTimeoutMs?: number;
}

export interface PublicEndpointEvents {
  /** ngrok's connection status changed (connected, reconnecting…). */
  status: [string];
}

/** How the self-test went: the URL works, never answered, or works only without edge auth (reopened). */
export type SelfTestResult = 'verified' | 'unreachable' | 'reopened' | 'lost';

export class PublicEndpoint extends EventEmitter<PublicEndpointEvents> {
  private tunnel?: Tunnel;

  constructor(private readonly opts: PublicEndpointOptions) {
    super();
  }

  /** The public callback URL (tunnel URL + path), or null when no tunnel is open. */
  get url(): string | null {
    return this.tunnel ? `${this.tunnel.url.replace(/\/+$/, '')}${this.opts.path}` : null;
  }

  /** Opens the tunnel; rejects with a message safe to print (the token never appears in it). */
  async open(edgeAuth = true): Promise<string> {
    const opener = await this.opts.opener();
    try {
      this.tunnel = await opener({
        addr: this.opts.addr,
        authtoken: this.opts.authtoken,
        ...(this.opts.domain ? { domain: this.opts.domain } : {}),
        ...(edgeAuth && this.opts.credentials ? { basicAuth: this.opts.credentials } : {}),
        onStatus: (status) => this.emit('status', status),
      });
    } catch (e) {
      throw new Error(describeTunnelError(e, this.opts.authtoken));
    }
    return this.url!;
  }

  /**
   * POSTs one request through the public URL with the callback credentials and a secret nonce; the
   * callback server answers it without recording it. If it arrives without its Authorization header,
   * ngrok's edge consumed it: reopen without edge auth (the local check stays authoritative).
   */
  async selfTest(): Promise<SelfTestResult> {
    const { server } = this.opts;
    const timeoutMs = this.opts.selfTestTimeoutMs ?? SELFTEST_TIMEOUT_MS;
    const nonce = this.opts.nonce();
    server.expectSelfTest(nonce);
    const arrived = new Promise<SelfTest | undefined>((resolve) => {
      const timer = setTimeout(() => {
        server.off('selftest', onTest);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      const onTest = (t: SelfTest) => {
        if (t.nonce !== nonce) return;
        clearTimeout(timer);
        server.off('selftest', onTest);
        resolve(t);
      };
      server.on('selftest', onTest);
    });
    const { credentials } = this.opts;
    void signedPost({ url: this.url!, body: '{"selftest":true}', auth: credentials ?? undefined, userAgent: 'cometbot-selftest', headers: { [SELFTEST_HEADER]: nonce }, timeoutMs });
    const result = await arrived;
    server.clearSelfTest();
    if (!result) return 'unreachable';
    if (!credentials || result.hadAuthorization) return 'verified';
    await this.close();
    try {
      await this.open(false);
      return 'reopened';
    } catch {
      return 'lost';
    }
  }

  async close(): Promise<void> {
    const tunnel = this.tunnel;
    this.tunnel = undefined;
    await tunnel?.close();
  }
}
