import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * The address a caller without a key is known by, for budgets and run ownership. An IPv6 host
 * is usually handed a whole /64 and can pick any address in it, so a budget per address would be
 * one budget per pick: IPv6 callers are counted per /64 instead. IPv4 (and IPv4 mapped into
 * IPv6) is one address.
 */
export function clientAddress(req: FastifyRequest): string {
  return addressKey(req.ip);
}

export function addressKey(ip: string): string {
  const address = ip.split('%')[0] ?? ip; // a zone index (fe80::1%eth0) names no other host
  if (isIPv4(address) || !isIPv6(address)) return address;
  const groups = expandIPv6(address);
  const mapped = groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff';
  if (mapped) {
    const [high = 0, low = 0] = groups.slice(6).map((group) => Number.parseInt(group, 16));
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of a valid IPv6 address, lower case without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap(withIPv4Tail));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const zeros = Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...zeros, ...back].map((group) => Number.parseInt(group, 16).toString(16));
}

/** `::ffff:192.0.2.1`: a dotted tail is two groups. */
function withIPv4Tail(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
