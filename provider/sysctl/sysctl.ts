import type { Argv } from "../ssh/quote";
import { inNetns } from "../ip/ns";

/** `[ip netns exec NS] sysctl -n KEY` */
export const sysctlGet = (ns: string | undefined, key: string): Argv => inNetns(ns, ["sysctl", "-n", key]);

/** `[ip netns exec NS] sysctl -q -w KEY=VALUE` */
export const sysctlSet = (ns: string | undefined, key: string, value: string): Argv => inNetns(ns, ["sysctl", "-q", "-w", `${key}=${value}`]);
