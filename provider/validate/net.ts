import { z } from "zod";
import { bigIntToIp, canonicalCidr, ipFamily, ipToBigInt, parseCidr } from "./ip";

export { bigIntToIp, canonicalCidr, cidrContains, cidrNetwork, ipFamily, ipToBigInt, parseCidr, type Family } from "./ip";

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

export const ipAddress = z.string().refine((s) => ipFamily(s) !== 0, "must be an IPv4 or IPv6 address, e.g. 172.16.0.1");

/** An address stored as `ip`/`bridge` print it (IPv6 compressed), so state compares equal with what read sees. */
export const canonicalIpAddress = ipAddress.transform((s) => bigIntToIp(ipToBigInt(s), ipFamily(s) as 4 | 6));

export const cidr = z
  .string()
  .refine((s) => parseCidr(s) !== undefined, "must be an address with prefix length, e.g. 172.16.0.2/24 (prefix 0-32 for IPv4, 0-128 for IPv6)");

export const mtu = z
  .number()
  .int("mtu must be a whole number")
  .min(68, "mtu must be at least 68 (the IPv4 minimum)")
  .max(65535, "mtu must be at most 65535");

/** An address list: each a valid CIDR, no duplicates, canonical form. */
export const cidrList = z
  .array(cidr)
  .default([])
  .transform((l) => l.map(canonicalCidr))
  .refine((l) => new Set(l).size === l.length, "addresses must not repeat");
