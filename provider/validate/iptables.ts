import { z } from "zod";
import { cidr, cidrNetwork, parseCidr } from "./net";

/** iptables prints networks with host bits cleared and a prefix always: store them the same way (`message` when not IPv4). */
export function ipv4NetworkOr(message: string) {
  return z
    .string()
    .transform((s) => (s.includes("/") ? s : `${s}/32`))
    .pipe(cidr.refine((s) => parseCidr(s)?.family === 4, message))
    .transform((s) => cidrNetwork(s) as string);
}

export const ipv4Network = ipv4NetworkOr("must be an IPv4 address or network, e.g. 172.16.0.0/24 (iptables, not ip6tables)");

/** A chain name; `example` names one in the message. */
export const chainNameLike = (example: string) =>
  z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,28}$/, `chain must be a chain name such as ${example} (letters, digits, '_', '-', at most 29)`);

export const chainName = chainNameLike("FORWARD");

/** The owner comment (`-m comment`): how read and delete find exactly one rule. */
export const ruleComment = z.string().regex(/^[A-Za-z0-9_.:/@=+-]{1,200}$/, "comment may contain only letters, digits and _.:/@=+- (at most 200)");

/** Built-in chains of each table; other names are user chains. */
export const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
};

export const port = z.number().int("port must be a whole number").min(1, "port must be 1-65535").max(65535, "port must be 1-65535");
