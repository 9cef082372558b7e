import type { Argv } from "../ssh/quote";

/** `ip` with `-n NS` when the object lives in a named network namespace. */
export function ip(ns: string | undefined, ...args: string[]): Argv {
  return ns ? ["ip", "-n", ns, ...args] : ["ip", ...args];
}

/** A command run inside a network namespace: `ip netns exec NS argv...`. */
export function inNetns(ns: string | undefined, argv: Argv): Argv {
  return ns ? ["ip", "netns", "exec", ns, ...argv] : argv;
}
