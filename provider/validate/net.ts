import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * Kernel-facing name and address rules. Each message says what is wrong and
 * what would be accepted, since it is shown at `pulumi preview`.
 */

/** A name the kernel keeps as a word: the safe alphabet, no '.'/'..' (path look-alikes), no leading '-' (option look-alikes). */
function kernelName(what: string, max: number, why = "") {
  return z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters${why}`)
    .regex(/^[A-Za-z0-9_.-]+$/, `${what} may contain only letters, digits, '_', '.' and '-'`)
    .refine((s) => s !== "." && s !== "..", `${what} must not be '.' or '..'`)
    .refine((s) => !s.startsWith("-"), `${what} must not start with '-' (it would read as an option)`);
}

/** Interface names: the kernel's IFNAMSIZ (16 incl. NUL) and dev_valid_name(). */
export const ifName = kernelName("interface name", 15, " (kernel IFNAMSIZ)").refine(
  (s) => s !== "all" && s !== "default",
  "interface name must not be 'all' or 'default' (the kernel reserves them for /proc/sys/net/*/conf)",
);

/** Namespace names become files in /run/netns. */
export const netnsName = kernelName("namespace name", 64);

export type Family = 4 | 6;

/** Parse "a.b.c.d" or an IPv6 literal; returns its family or 0. */
export function ipFamily(ip: string): 0 | Family {
  // Zone IDs (fe80::1%eth0) are valid to isIP but meaningless in routes and addresses here.
  if (ip.includes("%")) return 0;
  return isIP(ip) as 0 | Family;
}

export const ipAddress = z.string().refine((s) => ipFamily(s) !== 0, "must be an IPv4 or IPv6 address, e.g. 172.16.0.1");

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

export const cidr = z
  .string()
  .refine((s) => parseCidr(s) !== undefined, "must be an address with prefix length, e.g. 172.16.0.2/24 (prefix 0-32 for IPv4, 0-128 for IPv6)");

export const mtu = z
  .number()
  .int("mtu must be a whole number")
  .min(68, "mtu must be at least 68 (the IPv4 minimum)")
  .max(65535, "mtu must be at most 65535");

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

/** An address list: each a valid CIDR, no duplicates, canonical form. */
export const cidrList = z
  .array(cidr)
  .default([])
  .transform((l) => l.map(canonicalCidr))
  .refine((l) => new Set(l).size === l.length, "addresses must not repeat");
