import { describe, expect, it } from 'vitest';
import { addressKey } from '../src/plugins/client-address.ts';

describe('addressKey', () => {
  it('keeps an IPv4 address, also when it arrives mapped into IPv6', () => {
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(addressKey('::FFFF:c633:6407')).toBe('198.51.100.7');
  });

  it('reduces an IPv6 address to its /64, whatever its spelling', () => {
    const key = '2001:db8:0:1::/64';
    for (const spelling of [
      '2001:db8:0:1::1',
      '2001:0DB8:0000:0001:ffff:ffff:ffff:ffff',
      '2001:db8::1:0:0:0:9',
      '2001:db8:0:1:0:0:192.0.2.1',
      '2001:db8:0:1::1%eth0',
    ]) {
      expect(addressKey(spelling)).toBe(key);
    }
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8:0:2::1')).not.toBe(key);
  });
});
