// Which proxy (if any) a request to `target` should use: HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY.
import { isLoopback } from './loopback.js';
export interface ProxyEnv {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
}

export function proxyFor(target: URL, env: ProxyEnv): string | undefined {
  const proxy = target.protocol === 'https:' ? env.httpsProxy ?? env.httpProxy : env.httpProxy;
  if (!proxy) return undefined;
  const host = target.hostname.toLowerCase();
  // Loopback (the emulator, a local test server) never goes through a proxy: it could not reach it.
  if (isLoopback(host)) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of (env.noProxy ?? '').split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return undefined;
    const [name, entryPort] = entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const bare = name!.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return undefined;
  }
  return proxy;
}
