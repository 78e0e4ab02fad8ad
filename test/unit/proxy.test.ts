import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../src/core/proxy.js';

describe('proxyFor', () => {
  const env = { httpsProxy: 'http://proxy:3128', httpProxy: 'http://plain:8080', noProxy: 'localhost,.internal.example,10.0.0.1:9000' };
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http', () => {
    expect(proxyFor(new URL('https://app.api-eu.cometchat.io/v3'), env)).toBe('http://proxy:3128');
    expect(proxyFor(new URL('http://127.0.0.1:4747/v3'), env)).toBe('http://plain:8080');
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
