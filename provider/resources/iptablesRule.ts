import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { matchArgs, parseMatchLine, ruleAppend, ruleCheck, ruleDelete, ruleInsert, ruleReplace, type MatchSpec } from "../iptables/match";
import { iptablesList } from "../iptables/rule";
import { findRule } from "../iptables/find";
import { ifName, ipAddress, ipFamily, netnsName } from "../validate/net";
import { BUILTIN_CHAINS, chainName, ipv4Network, port, ruleComment } from "../validate/iptables";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import type { CheckFailure } from "../validate/errors";
import { ExistsError, type Look } from "../takeover";

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

  // The rule's comment is its mark (the SDK's default, pulumi-netns:STACK:NAME, names the owner), as for NatRule.
  markFor: (i) => i.comment,

  async create(c, i, mark) {
    // `iptables -C` matches comments exactly: look for the same rule under any comment first (a rule
    // carrying our comment is a create retried after a lost reply or an interrupted run: takeover.ts).
    if ((await ruleLook(c, i)).objects.some((o) => !o.missing)) throw new ExistsError("rule exists");
    const add = i.position === "insert" ? ruleInsert(i.namespace, i, mark) : ruleAppend(i.namespace, i, mark);
    const s = new Script()
      .refuseIfExists(ruleCheck(i.namespace, i), `an identical ${i.table}/${i.chain} rule (${matchArgs(i).join(" ")}) already exists`)
      .refuseIfExists(ruleCheck(i.namespace, i, mark), `this rule with comment ${mark} already exists`)
      .step(add, ruleDelete(i.namespace, i, mark));
    await run(c, s.toString());
    return {};
  },

  look: (c, i) => ruleLook(c, i),
  // Adopting: replace the rule in place (same position) by the same rule with our comment.
  markSteps: (i, mark, look) => [ruleReplace(i.namespace, i, mark, look.objects[0].index ?? 1)],

  // Every input replaces the rule, so the engine's updates only follow an owner or connection change
  // (common code). A create that finds its own rule with another match (an interrupted run) lands
  // here: swap the rule, as a replace would.
  async update(c, olds, news) {
    if (sameRule(olds, news)) return {};
    const add = news.position === "insert" ? ruleInsert(news.namespace, news, news.comment) : ruleAppend(news.namespace, news, news.comment);
    await run(c, new Script().step(ruleDelete(olds.namespace, olds, olds.comment)).step(add).toString());
    return {};
  },

  async delete(c, state) {
    await run(c, new Script().deleteIfOwned(`${shellJoin(ruleCheck(state.namespace, state, state.comment))} 2>/dev/null`, ruleDelete(state.namespace, state, state.comment)).toString());
  },
});

/** The rule with our comment, else one with the declared match and target (hand-made, or another owner's). */
async function ruleLook(c: IptablesRuleInputs["connection"], i: IptablesRuleInputs): Promise<Look<Partial<IptablesRuleInputs>>> {
  const [out] = sectionsOf(await run(c, showScript(iptablesList(i.namespace, i.table, i.chain))));
  const rules = out.split("\n").map((l) => parseMatchLine(i.table, l)).filter((r) => r !== undefined);
  const { rule, found } = findRule(rules, i.comment, (r) => sameRule(r, i), `${i.table}/${i.chain}`, matchArgs(i).join(" "));
  // Every managed key explicitly, so a key changed or missing on the host shows as drift.
  const keys = Object.keys(iptablesRuleFields).filter((k) => !["table", "chain", "comment", "position", "namespace"].includes(k));
  return {
    objects: [found],
    live: rule && (Object.fromEntries(keys.map((k) => [k, (rule as unknown as Record<string, unknown>)[k]])) as Partial<IptablesRuleInputs>),
  };
}

/** Same match and target, whatever the comment. */
function sameRule(a: MatchSpec, b: MatchSpec): boolean {
  return matchArgs(a).join(" ") === matchArgs(b).join(" ");
}
