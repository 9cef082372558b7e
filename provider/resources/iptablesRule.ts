import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { matchArgs, parseMatchLine, ruleAppend, ruleCheck, ruleDelete, ruleInsert, type MatchSpec } from "../iptables/match";
import { iptablesList } from "../iptables/rule";
import { ifName, ipAddress, ipFamily, netnsName } from "../validate/net";
import { BUILTIN_CHAINS, chainName, ipv4Network, port, ruleComment } from "../validate/iptables";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import type { CheckFailure } from "../validate/errors";

export const JUMPS = ["ACCEPT", "DROP", "REJECT", "RETURN", "MASQUERADE", "SNAT"] as const;

export interface IptablesRuleInputs extends WithConnection, MatchSpec {
  table: "filter" | "nat" | "mangle";
  protocol?: "tcp" | "udp" | "icmp" | "sctp";
  jump: (typeof JUMPS)[number];
  /** append (`-A`, the end of the chain) or insert (`-I CHAIN 1`, the top). */
  position: "append" | "insert";
  namespace?: string;
  comment: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IptablesRuleOutputs {}

const NEGATABLE = [["source", "notSource"], ["destination", "notDestination"], ["inInterface", "notInInterface"], ["outInterface", "notOutInterface"]] as const;
const ALL_BUILTIN = new Set(Object.values(BUILTIN_CHAINS).flat());

/** Cross-property rules iptables would otherwise refuse on the host (or, worse, accept and never match). */
function crossCheck(i: IptablesRuleInputs): CheckFailure[] {
  const f: CheckFailure[] = [];
  const fail = (property: string, reason: string) => f.push({ property, reason: `IptablesRule.${property}: ${reason}` });
  if (ALL_BUILTIN.has(i.chain) && !BUILTIN_CHAINS[i.table].includes(i.chain)) {
    fail("chain", `the ${i.table} table has no ${i.chain} chain; use one of ${BUILTIN_CHAINS[i.table].join(", ")} or a user chain`);
  }
  for (const [yes, no] of NEGATABLE) if (i[yes] !== undefined && i[no] !== undefined) fail(no, `set ${yes} or ${no}, not both`);
  const builtin = BUILTIN_CHAINS[i.table].includes(i.chain);
  if (builtin && ["OUTPUT", "POSTROUTING"].includes(i.chain) && (i.inInterface ?? i.notInInterface)) {
    fail(i.inInterface ? "inInterface" : "notInInterface", `packets in ${i.chain} have no input interface; remove it or use PREROUTING, INPUT or FORWARD`);
  }
  if (builtin && ["PREROUTING", "INPUT"].includes(i.chain) && (i.outInterface ?? i.notOutInterface)) {
    fail(i.outInterface ? "outInterface" : "notOutInterface", `packets in ${i.chain} have no output interface yet; remove it or use FORWARD, OUTPUT or POSTROUTING`);
  }
  if ((i.sourcePort !== undefined || i.destinationPort !== undefined) && !["tcp", "udp", "sctp"].includes(i.protocol ?? "")) {
    fail(i.destinationPort !== undefined ? "destinationPort" : "sourcePort", "ports need protocol tcp, udp or sctp");
  }
  if ((i.jump === "MASQUERADE" || i.jump === "SNAT") && i.table !== "nat") fail("jump", `${i.jump} is only valid in the nat table, not ${i.table}`);
  if (i.jump === "MASQUERADE" && i.table === "nat" && builtin && i.chain !== "POSTROUTING") fail("jump", `MASQUERADE is only valid in POSTROUTING, not ${i.chain}`);
  if (i.jump === "SNAT" && i.table === "nat" && builtin && !["POSTROUTING", "INPUT"].includes(i.chain)) fail("jump", `SNAT is only valid in POSTROUTING or INPUT, not ${i.chain}`);
  if ((i.jump === "DROP" || i.jump === "REJECT") && i.table === "nat") fail("jump", `the nat table does not filter: put ${i.jump} rules in the filter table`);
  if (i.jump === "REJECT" && i.table !== "filter") fail("jump", `REJECT is only valid in the filter table, not ${i.table}`);
  if (i.jump === "SNAT" && !i.toSource) fail("toSource", "jump SNAT needs toSource (the address to rewrite the source to)");
  if (i.jump !== "SNAT" && i.toSource) fail("toSource", `only used with jump SNAT, not ${i.jump}; remove it`);
  return f;
}

/** The schema of each property; exported so components can validate what they will pass. */
export const iptablesRuleFields = {
  table: z.enum(["filter", "nat", "mangle"], { error: "table must be one of filter, nat, mangle" }).default("filter"),
  chain: chainName,
  source: ipv4Network.optional(),
  notSource: ipv4Network.optional(),
  destination: ipv4Network.optional(),
  notDestination: ipv4Network.optional(),
  inInterface: ifName.optional(),
  notInInterface: ifName.optional(),
  outInterface: ifName.optional(),
  notOutInterface: ifName.optional(),
  protocol: z.enum(["tcp", "udp", "icmp", "sctp"], { error: "protocol must be one of tcp, udp, icmp, sctp" }).optional(),
  sourcePort: port.optional(),
  destinationPort: port.optional(),
  jump: z.enum(JUMPS, { error: `jump must be one of ${JUMPS.join(", ")}` }),
  toSource: ipAddress.refine((s) => ipFamily(s) === 4, "toSource must be an IPv4 address").optional(),
  position: z.enum(["append", "insert"], { error: "position must be \"append\" (end of the chain) or \"insert\" (top)" }).default("append"),
  namespace: netnsName.optional(),
  comment: ruleComment,
};

export const iptablesRuleProvider = defineResource<IptablesRuleInputs, IptablesRuleOutputs>({
  kind: "IptablesRule",
  fields: iptablesRuleFields,
  crossCheck,
  replaceOn: ["table", "chain", "source", "notSource", "destination", "notDestination", "inInterface", "notInInterface", "outInterface",
    "notOutInterface", "protocol", "sourcePort", "destinationPort", "jump", "toSource", "position", "namespace", "comment"],
  idOf: (i) => `iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${i.comment}`,
  namesOf: (i) => [`iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${matchArgs(i, i.comment).join(" ")}`],

  async create(c, i) {
    const add = i.position === "insert" ? ruleInsert(i.namespace, i, i.comment) : ruleAppend(i.namespace, i, i.comment);
    const s = new Script()
      .refuseIf(ruleCheck(i.namespace, i), `an identical ${i.table}/${i.chain} rule (${matchArgs(i).join(" ")}) already exists and is not managed by this resource; remove it or leave it to that rule`)
      // `-C` first: a rule already carrying our comment (a create retried after a lost reply) is not added twice.
      .raw(`if ! ${shellJoin(ruleCheck(i.namespace, i, i.comment))} 2>/dev/null; then`)
      .step(add, ruleDelete(i.namespace, i, i.comment))
      .raw("fi");
    await run(c, s.toString());
    return {};
  },

  async read(c, state) {
    const out = await run(c, `${shellJoin(iptablesList(state.namespace, state.table, state.chain))} 2>/dev/null || true`);
    const rule = out.split("\n").map((l) => parseMatchLine(state.table, l)).find((r) => r?.comment === state.comment);
    if (!rule) return undefined;
    // Every managed key explicitly, so a key changed or missing on the host shows as drift.
    const { table: _t, chain: _c, comment: _m, ...live } = rule;
    const keys = Object.keys(iptablesRuleFields).filter((k) => !["table", "chain", "comment", "position", "namespace"].includes(k));
    return Object.fromEntries(keys.map((k) => [k, (live as Record<string, unknown>)[k]])) as Partial<IptablesRuleInputs>;
  },

  async update() {
    throw new Error("IptablesRule has no in-place updates: every change replaces the rule");
  },

  async delete(c, state) {
    await run(c, `if ${shellJoin(ruleCheck(state.namespace, state, state.comment))} 2>/dev/null; then ${shellJoin(ruleDelete(state.namespace, state, state.comment))}; fi`);
  },
});
