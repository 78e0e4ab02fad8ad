// The public URL: a small Tunnel interface, with @ngrok/ngrok (loaded lazily) behind it.
import type { TunnelOpener } from '../deps.js';

export type { Tunnel, TunnelOpener, TunnelOptions } from '../deps.js';

export const TUNNEL_OPEN_TIMEOUT_MS = 20_000;

/** The production opener. Tests inject their own through Deps.openTunnel; the CLI never fakes it. */
export async function ngrokOpener(): Promise<TunnelOpener> {
  const mod = await import('@ngrok/ngrok');
  const ngrok = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
  return async (options) => {
    const forwarding = ngrok.forward({
      addr: options.addr,
      authtoken: options.authtoken,
      ...(options.domain ? { domain: options.domain } : {}),
      ...(options.basicAuth ? { basic_auth: [`${options.basicAuth.username}:${options.basicAuth.password}`] } : {}),
      onStatusChange: (status: string) => options.onStatus?.(status),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from ngrok within ${TUNNEL_OPEN_TIMEOUT_MS / 1000} s (is the network up?)`)), TUNNEL_OPEN_TIMEOUT_MS);
      timer.unref();
    });
    try {
      const listener = await Promise.race([forwarding, timeout]);
      const url = listener.url();
      if (!url) {
        await listener.close();
        throw new Error('ngrok opened a listener without a URL');
      }
      let closed = false;
      return {
        url,
        close: async () => {
          if (closed) return;
          closed = true;
          await listener.close().catch(() => undefined);
        },
      };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** ngrok's error text can echo the config; keep the token out of anything we print. */
export function describeTunnelError(e: unknown, authtoken: string): string {
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';
  return authtoken ? text.split(authtoken).join('[redacted]') : text;
}
