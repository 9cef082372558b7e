import { shellJoin, shellQuote, type Argv } from "../ssh/quote";
import { inNetns } from "../ip/ns";

/** `[ip netns exec NS] sysctl -n KEY` */
export const sysctlGet = (ns: string | undefined, key: string): Argv => inNetns(ns, ["sysctl", "-n", key]);

/** `[ip netns exec NS] sysctl -q -w KEY=VALUE` */
export const sysctlSet = (ns: string | undefined, key: string, value: string): Argv => inNetns(ns, ["sysctl", "-q", "-w", `${key}=${value}`]);

/** Shell condition: KEY's value is VALUE (sysctl's tabs between multiple values read as single spaces). */
export function sysctlIs(ns: string | undefined, key: string, value: string): string {
  return `[ "$(${shellJoin(sysctlGet(ns, key))} 2>/dev/null | tr -s ' \\t' '  ')" = ${shellQuote(value)} ]`;
}
