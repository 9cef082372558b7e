import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Address syntax and arithmetic without zod: the SDK's components use these in the program,
 * which must not load the validation library or the core (./net re-exports them).
 */

export type Family = 4 | 6;

/** Parse "a.b.c.d" or an IPv6 literal; returns its family or 0. */
export function ipFamily(ip: string): 0 | Family {
  // Zone IDs (fe80::1%eth0) are valid to isIP but meaningless in routes and addresses here.
  if (ip.includes("%")) return 0;
  return isIP(ip) as 0 | Family;
}

/** "addr/prefix" with the prefix in range for the family. */
export function parseCidr(s: string): { ip: string; prefix: number; family: Family } | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const family = ipFamily(m[1]);
  const prefix = Number(m[2]);
  if (family === 0) return undefined;
  if (prefix > (family === 4 ? 32 : 128)) return undefined;
  return { ip: m[1], prefix, family };
}

/**
 * Address arithmetic is ipaddr.js's; syntax is checked first with Node's strict `isIP`
 * (ipaddr.js also takes shorthand such as "10.1" or "0x0a.0.0.1", which `ip` must never see).
 */
function parsed(ip: string): ipaddr.IPv4 | ipaddr.IPv6 {
  if (ipFamily(ip) === 0) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  return ipaddr.parse(ip);
}

/** IPv4 or IPv6 address as a bigint, for subnet arithmetic. */
export function ipToBigInt(ip: string): bigint {
  return parsed(ip).toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** The address of a bigint, written as `ip` prints it (IPv6 compressed per RFC 5952, lower case). */
export function bigIntToIp(n: bigint, family: Family): string {
  const len = family === 4 ? 4 : 16;
  const bytes = Array.from({ length: len }, (_, i) => Number((n >> BigInt(8 * (len - 1 - i))) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Does `ip` fall inside `net` (a CIDR)? Families must match. */
export function cidrContains(net: string, ip: string): boolean {
  const c = parseCidr(net);
  if (!c || ipFamily(ip) !== c.family) return false;
  const [addr, range] = [parsed(ip), parsed(c.ip)];
  return addr.kind() === range.kind() && (addr as ipaddr.IPv4).match(range as ipaddr.IPv4, c.prefix);
}

/** The network form of a CIDR: host bits cleared (172.16.0.7/24 → 172.16.0.0/24). */
export function cidrNetwork(s: string): string | undefined {
  const c = parseCidr(s);
  if (!c) return undefined;
  const net = (c.family === 4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${c.ip}/${c.prefix}`);
  return `${net.toString()}/${c.prefix}`;
}

/** A CIDR in the form `ip` prints it back (IPv6 compressed, lower case), so state compares equal. */
export function canonicalCidr(s: string): string {
  const c = parseCidr(s);
  if (!c) return s;
  return `${bigIntToIp(ipToBigInt(c.ip), c.family)}/${c.prefix}`;
}
