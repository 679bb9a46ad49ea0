import { isIP } from 'node:net';

/** The names the server's TRUST_PROXY takes (proxy-addr's), as the ranges they stand for. */
const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * The proxies in front of the edge whose X-Forwarded-For names the client (a TLS terminator or
 * load balancer, TLS.md option 1), as nginx `set_real_ip_from` operands: each entry a name
 * (loopback, linklocal, uniquelocal), an IP or a CIDR. None (an empty list, `''` or `off`) means
 * the edge's peer is the client. Everything else is refused, as the values are placed unquoted
 * in the config; so is a /0, which would let any client choose its own address.
 */
export function trustedProxyRanges(entries: string | readonly string[]): string[] {
  const list = (typeof entries === 'string' ? entries.split(',') : entries).map((e) => e.trim());
  if (list.length === 1 && list[0] === 'off') return [];
  const ranges: string[] = [];
  for (const entry of list) {
    if (entry === '') continue;
    const named = NAMED_RANGES[entry];
    if (named) {
      ranges.push(...named);
      continue;
    }
    const [ip = '', bits, extra] = entry.split('/');
    // Plain literals only (no zone index such as `%eth0`): what nginx reads as an address.
    const version = /^[0-9A-Fa-f:.]+$/.test(ip) ? isIP(ip) : 0;
    const validBits =
      bits === undefined ||
      (/^\d{1,3}$/.test(bits) && Number(bits) >= 1 && Number(bits) <= (version === 6 ? 128 : 32));
    if (version === 0 || !validBits || extra !== undefined) {
      throw new Error(
        `trusted proxy ${JSON.stringify(entry.slice(0, 60))} is not loopback, linklocal, uniquelocal, an IP or a CIDR (/1 or longer), or off`,
      );
    }
    ranges.push(entry);
  }
  return ranges;
}
