import { shellJoin, type Argv } from "../ssh/quote";
import { inNetns } from "../ip/command";
import { splitRuleLine } from "./parse";

/** An iptables rule (any table): matches, each negatable, and a target. IptablesRule's, NatRule's and the components'. */
export interface MatchSpec {
  table: string;
  chain: string;
  source?: string;
  notSource?: string;
  destination?: string;
  notDestination?: string;
  inInterface?: string;
  notInInterface?: string;
  outInterface?: string;
  notOutInterface?: string;
  protocol?: string;
  sourcePort?: number;
  destinationPort?: number;
  jump: string;
  toSource?: string;
}

const pair = (flag: string, yes?: string, no?: string): string[] =>
  yes !== undefined ? [flag, yes] : no !== undefined ? ["!", flag, no] : [];

/** Match and target arguments, in the order `iptables -S` prints them (so listing and building agree). */
export function matchArgs(r: MatchSpec, comment?: string): string[] {
  const proto = r.protocol;
  return [
    ...pair("-s", r.source, r.notSource),
    ...pair("-d", r.destination, r.notDestination),
    ...pair("-i", r.inInterface, r.notInInterface),
    ...pair("-o", r.outInterface, r.notOutInterface),
    ...(proto ? ["-p", proto] : []),
    ...(proto && (r.sourcePort !== undefined || r.destinationPort !== undefined) ? ["-m", proto] : []),
    ...(r.sourcePort !== undefined ? ["--sport", String(r.sourcePort)] : []),
    ...(r.destinationPort !== undefined ? ["--dport", String(r.destinationPort)] : []),
    ...(comment ? ["-m", "comment", "--comment", comment] : []),
    "-j", r.jump,
    ...(r.toSource ? ["--to-source", r.toSource] : []),
  ];
}

/** `iptables -w -t T -A CHAIN <match> -m comment --comment C -j TARGET` (`-w`: wait for the xtables lock). */
export const ruleAppend = (ns: string | undefined, r: MatchSpec, comment: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-A", r.chain, ...matchArgs(r, comment)]);

/** `iptables -w -t T -I CHAIN 1 <match> -m comment --comment C -j TARGET`: at the top of the chain. */
export const ruleInsert = (ns: string | undefined, r: MatchSpec, comment: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-I", r.chain, "1", ...matchArgs(r, comment)]);

/** `iptables -w -t T -C CHAIN <match> [-m comment --comment C] -j TARGET`: exit 0 if exactly this rule exists. */
export const ruleCheck = (ns: string | undefined, r: MatchSpec, comment?: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-C", r.chain, ...matchArgs(r, comment)]);

/** `iptables -w -t T -D CHAIN <match> -m comment --comment C -j TARGET`: removes one copy of exactly this rule. */
export const ruleDelete = (ns: string | undefined, r: MatchSpec, comment: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-D", r.chain, ...matchArgs(r, comment)]);

/** `iptables -w -t T -S CHAIN`: the chain's rules in iptables-save syntax. */
export const iptablesList = (ns: string | undefined, table: string, chain: string): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", table, "-S", chain]);

/** Shell condition: exactly this rule, with this comment, exists (`iptables -C ... 2>/dev/null`). */
export const ruleOwnedProbe = (ns: string | undefined, r: MatchSpec, comment: string): string =>
  `${shellJoin(ruleCheck(ns, r, comment))} 2>/dev/null`;

/** `iptables -w -t T -R CHAIN N <match> -m comment --comment C -j TARGET`: replace rule N in place (adopting: add our comment). */
export const ruleReplace = (ns: string | undefined, r: MatchSpec, comment: string, n: number): Argv =>
  inNetns(ns, ["iptables", "-w", "-t", r.table, "-R", r.chain, String(n), ...matchArgs(r, comment)]);

/** Parse one `iptables -S` line (`-A CHAIN ...`) into a spec plus its comment; undefined for other lines. */
export function parseMatchLine(table: string, line: string): (MatchSpec & { comment?: string }) | undefined {
  const w = splitRuleLine(line.trim());
  if (w[0] !== "-A" || w.length < 2) return undefined;
  const r: MatchSpec & { comment?: string } = { table, chain: w[1], jump: "" };
  const set = (neg: boolean, yes: keyof MatchSpec, no: keyof MatchSpec, v: string) => {
    (r as unknown as Record<string, string>)[neg ? no : yes] = v;
  };
  for (let i = 2; i < w.length; i++) {
    const neg = w[i] === "!";
    if (neg) i++;
    switch (w[i]) {
      case "-s": set(neg, "source", "notSource", w[++i]); break;
      case "-d": set(neg, "destination", "notDestination", w[++i]); break;
      case "-i": set(neg, "inInterface", "notInInterface", w[++i]); break;
      case "-o": set(neg, "outInterface", "notOutInterface", w[++i]); break;
      case "-p": r.protocol = w[++i]; break;
      case "--sport": r.sourcePort = Number(w[++i]); break;
      case "--dport": r.destinationPort = Number(w[++i]); break;
      case "--comment": r.comment = w[++i]; break;
      case "-j": r.jump = w[++i]; break;
      case "--to-source": r.toSource = w[++i]; break;
      default: break; // -m NAME, --reject-with (the default is printed back), matches we do not manage
    }
  }
  return r;
}
