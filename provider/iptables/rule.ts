import { shellJoin, type Argv } from "../ssh/quote";
import { inNetns } from "../ip/command";

/** A rule as the resource declares it (the match and target, without our comment). */
export interface RuleSpec {
  table: string;
  chain: string;
  source?: string;
  destination?: string;
  outInterface?: string;
  notOutInterface?: string;
  jump: string;
  toSource?: string;
}

/** Match and target arguments in the order `iptables -S` prints them. */
export function ruleArgs(r: RuleSpec, comment?: string): string[] {
  return [
    ...(r.source ? ["-s", r.source] : []),
    ...(r.destination ? ["-d", r.destination] : []),
    ...(r.outInterface ? ["-o", r.outInterface] : []),
    ...(r.notOutInterface ? ["!", "-o", r.notOutInterface] : []),
    ...(comment ? ["-m", "comment", "--comment", comment] : []),
    "-j", r.jump,
    ...(r.toSource ? ["--to-source", r.toSource] : []),
  ];
}

/** `iptables -w -t T -A CHAIN <match> -m comment --comment C -j TARGET` (`-w`: wait for the xtables lock). */
export const iptablesAppend = (ns: string | undefined, r: RuleSpec, comment: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-A", r.chain, ...ruleArgs(r, comment)]);

/** `iptables -w -t T -C CHAIN ...`: exit 0 if exactly this rule exists. */
export const iptablesCheck = (ns: string | undefined, r: RuleSpec, comment?: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-C", r.chain, ...ruleArgs(r, comment)]);

/** `iptables -w -t T -D CHAIN ...`: removes one copy of exactly this rule. */
export const iptablesDelete = (ns: string | undefined, r: RuleSpec, comment: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-D", r.chain, ...ruleArgs(r, comment)]);

/** `iptables -w -t T -S CHAIN`: the chain's rules in iptables-save syntax. */
export const iptablesList = (ns: string | undefined, table: string, chain: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", table, "-S", chain]);

/** `iptables -w -t T -R CHAIN N <match> -m comment --comment C -j TARGET`: replace rule N in place. */
export const iptablesReplace = (ns: string | undefined, r: RuleSpec, comment: string, n: number): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-R", r.chain, String(n), ...ruleArgs(r, comment)]);

/** Shell condition: exactly this rule, with this comment, exists (`iptables -C ... 2>/dev/null`). */
export const iptablesOwnedProbe = (ns: string | undefined, r: RuleSpec, comment: string): string =>
  `${shellJoin(iptablesCheck(ns, r, comment))} 2>/dev/null`;
