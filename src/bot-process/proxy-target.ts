// Which targets the routing proxy may tunnel or forward to (a pure decision; node:net only for isIP). It serves one bot's run: the bot reaches
// loopback directly (NO_PROXY), so a request through the proxy to loopback, link-local or a private
// network is not the bot's traffic but someone using the proxy as a relay into this machine or its
// network. Pure, so every address class is tested without opening a connection.
import { isIP } from 'node:net';
import { isLoopback } from '../core/loopback.js';

/** Why the proxy refuses to connect to `address` (an IP address, after DNS), or undefined when it may. */
export function refusedTarget(address: string): string | undefined {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = isIP(ip) === 4 ? ip : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (v4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    if (a === 127) return 'a loopback address';
    if (a === 0) return 'an unspecified address';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'a private network address';
    if (a === 169 && b === 254) return 'a link-local address';
    if (a === 100 && b >= 64 && b <= 127) return 'a shared (carrier-grade NAT) address';
    if (a >= 224) return 'a multicast or reserved address';
    return undefined;
  }
  if (isIP(ip) === 6) {
    if (ip === '::1' || ip === '0:0:0:0:0:0:0:1') return 'a loopback address';
    if (ip === '::' || ip === '0:0:0:0:0:0:0:0') return 'an unspecified address';
    if (/^fe[89ab]/.test(ip)) return 'a link-local address';
    if (/^f[cd]/.test(ip)) return 'a private network address';
    if (/^ff/.test(ip)) return 'a multicast address';
    return undefined;
  }
  return 'not an IP address';
}

/** A name that is loopback before any lookup (localhost, *.localhost, 127.x, ::1). */
export function isLoopbackName(host: string): boolean {
  return isLoopback(host);
}
