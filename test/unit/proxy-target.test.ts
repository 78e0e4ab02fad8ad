// The routing proxy's decision on a target address: no test connects anywhere outside 127.0.0.0/8, so
// the private and link-local cases are checked here, on the decision.
import { describe, expect, it } from 'vitest';
import { isLoopbackName, refusedTarget } from '../../src/bot-process/proxy-target.js';
import { certifiableHost } from '../../src/bot-process/ca.js';

describe('refusedTarget', () => {
  it('refuses loopback, unspecified, private, link-local, CGNAT and multicast addresses, v4 and v6', () => {
    const refused: [string, string][] = [
      ['127.0.0.1', 'a loopback address'],
      ['127.9.8.7', 'a loopback address'],
      ['::1', 'a loopback address'],
      ['::ffff:127.0.0.1', 'a loopback address'],
      ['0.0.0.0', 'an unspecified address'],
      ['::', 'an unspecified address'],
      ['10.1.2.3', 'a private network address'],
      ['172.16.0.1', 'a private network address'],
      ['172.31.255.255', 'a private network address'],
      ['192.168.1.1', 'a private network address'],
      ['fd12:3456::1', 'a private network address'],
      ['169.254.169.254', 'a link-local address'],
      ['fe80::1', 'a link-local address'],
      ['100.64.0.1', 'a shared (carrier-grade NAT) address'],
      ['224.0.0.1', 'a multicast or reserved address'],
      ['ff02::1', 'a multicast address'],
      ['not-an-ip', 'not an IP address'],
    ];
    expect(refused.map(([a]) => [a, refusedTarget(a)])).toEqual(refused);
  });

  it('lets public addresses through', () => {
    expect(['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '2606:4700::1111', '[2001:db8::1]'].map(refusedTarget)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect([isLoopbackName('localhost'), isLoopbackName('api.localhost.'), isLoopbackName('localhost.example.com')]).toEqual([true, true, false]);
  });
});

describe('certifiableHost', () => {
  it('issues certificates only for well-formed *.cometchat.io names', () => {
    expect(['myapp.api-eu.cometchat.io', 'api-us.cometchat.io', 'A.B.cometchat.io'].map(certifiableHost)).toEqual([true, true, true]);
    expect(['cometchat.io', '*.cometchat.io', '..cometchat.io', '-a.cometchat.io', 'a-.cometchat.io', 'a+b.cometchat.io', `${'a'.repeat(64)}.cometchat.io`, `${'a.'.repeat(130)}cometchat.io`, 'cometchat.io.evil.com'].map(certifiableHost)).toEqual(Array(9).fill(false));
  });
});
