import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/core/proxy.js';

describe('proxyFor', () => {
  const env = { httpsProxy: 'http://proxy:3128', httpProxy: 'http://plain:8080', noProxy: 'localhost,.internal.example,10.0.0.1:9000' };
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http', () => {
    expect(proxyFor(new URL('https://app.api-eu.cometchat.io/v3'), env)).toBe('http://proxy:3128');
    expect(proxyFor(new URL('http://api.example/v3'), env)).toBe('http://plain:8080');
  });
  it('never proxies loopback (the emulator), whatever NO_PROXY says', () => {
    for (const url of ['http://127.0.0.1:4747/v3', 'http://127.0.0.2/', 'http://localhost:1/', 'http://[::1]:4747/']) {
      expect(proxyFor(new URL(url), { httpsProxy: 'http://p:1', httpProxy: 'http://p:1' })).toBeUndefined();
    }
  });
  it('honours NO_PROXY names, domain suffixes, ports and *', () => {
    expect(proxyFor(new URL('http://localhost:4747/'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://api.internal.example/'), env)).toBeUndefined();
    expect(proxyFor(new URL('http://10.0.0.1:9000/'), env)).toBeUndefined();
    expect(proxyFor(new URL('http://10.0.0.1:9001/'), env)).toBe('http://plain:8080');
    expect(proxyFor(new URL('https://x.example/'), { httpsProxy: 'http://p:1', noProxy: '*' })).toBeUndefined();
  });
  it('no proxy variables, no proxy', () => {
    expect(proxyFor(new URL('https://x.example/'), {})).toBeUndefined();
  });
});
