import { shellJoin, shellQuote, type Argv } from "../ssh/quote";
import { inNetns } from "../ip/command";

/** `[ip netns exec NS] sysctl -n KEY` */
export const sysctlGet = (ns: string | undefined, key: string): Argv => inNetns(ns, ["sysctl", "-n", key]);

/** `[ip netns exec NS] sysctl -q -w KEY=VALUE` */
export const sysctlSet = (ns: string | undefined, key: string, value: string): Argv => inNetns(ns, ["sysctl", "-q", "-w", `${key}=${value}`]);

/** Shell condition: KEY's value is VALUE (sysctl's tabs between multiple values read as single spaces). */
export function sysctlIs(ns: string | undefined, key: string, value: string): string {
  return `[ "$(${shellJoin(sysctlGet(ns, key))} 2>/dev/null | tr -s ' \\t' '  ')" = ${shellQuote(value)} ]`;
}

/**
 * `[ip netns exec NS] sysctl -q -w net/ipv4/conf/NAME/promote_secondaries=1`: when the primary
 * IPv4 address goes, promote a secondary instead of flushing all (and the routes through them).
 * The slash form of the key keeps a '.' in NAME from being read as a separator.
 */
export const sysctlPromoteSecondaries = (ns: string | undefined, name: string): Argv =>
  inNetns(ns, ["sysctl", "-q", "-w", `net/ipv4/conf/${name}/promote_secondaries=1`]);
