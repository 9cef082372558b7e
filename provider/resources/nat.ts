import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { iptablesAppend, iptablesCheck, iptablesDelete, iptablesList, iptablesOwnedProbe, iptablesReplace, ruleArgs, type RuleSpec } from "../iptables/rule";
import { parseRuleLine } from "../iptables/parse";
import { findRule } from "../iptables/find";
import { cidr, cidrNetwork, ifName, ipAddress, ipFamily, netnsName, parseCidr } from "../validate/net";
import { Script, sectionsOf, showScript } from "../ssh/script";
import type { CheckFailure } from "../validate/errors";
import { ExistsError, type Look } from "../takeover";

export type NatRuleInputs = WithConnection & z.output<typeof natRuleSchema>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NatRuleOutputs {}

/** iptables prints networks with host bits cleared and a prefix always: store them the same way. */
const ipv4Net = z
  .string()
  .transform((s) => (s.includes("/") ? s : `${s}/32`))
  .pipe(cidr.refine((s) => parseCidr(s)?.family === 4, "must be an IPv4 network, e.g. 172.16.0.0/24 (NatRule drives iptables, not ip6tables)"))
  .transform((s) => cidrNetwork(s) as string);

/** A rule's inputs after check: the one source of NatRuleInputs (and of what NatRuleArgs may hold). */
export const natRuleSchema = z.object({
  table: z.literal("nat", { error: "table must be \"nat\"" }).default("nat"),
  chain: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,28}$/, "chain must be a chain name such as POSTROUTING (letters, digits, '_', '-', at most 29)").default("POSTROUTING"),
  source: ipv4Net.optional(),
  destination: ipv4Net.optional(),
  outInterface: ifName.optional(),
  notOutInterface: ifName.optional(),
  jump: z.enum(["MASQUERADE", "SNAT", "RETURN"], { error: "jump must be one of MASQUERADE, SNAT (with toSource) or RETURN" }),
  toSource: ipAddress.refine((s) => ipFamily(s) === 4, "toSource must be an IPv4 address").optional(),
  namespace: netnsName.optional(),
  /** Owner comment (`-m comment`): how read and delete find exactly this rule. */
  comment: z.string().regex(/^[A-Za-z0-9_.:/@=+-]{1,200}$/, "comment may contain only letters, digits and _.:/@=+- (at most 200)"),
});

export const natRuleProvider = defineResource<NatRuleInputs, NatRuleOutputs>({
  kind: "NatRule",
  fields: natRuleSchema.shape,
  crossCheck: (i) => {
    const f: CheckFailure[] = [];
    if (i.jump === "SNAT" && !i.toSource) f.push({ property: "toSource", reason: "NatRule.toSource: jump SNAT needs toSource (the address to rewrite the source to)" });
    if (i.jump !== "SNAT" && i.toSource) f.push({ property: "toSource", reason: `NatRule.toSource: only used with jump SNAT, not ${i.jump}; remove it` });
    if (i.outInterface && i.notOutInterface) f.push({ property: "notOutInterface", reason: "NatRule.notOutInterface: set outInterface or notOutInterface, not both" });
    if (i.jump === "MASQUERADE" && !["POSTROUTING"].includes(i.chain) && !/^[a-z]/.test(i.chain)) {
      f.push({ property: "chain", reason: `NatRule.chain: MASQUERADE is only valid in POSTROUTING (or a user chain called from it), not ${i.chain}` });
    }
    return f;
  },
  replaceOn: ["table", "chain", "source", "destination", "outInterface", "notOutInterface", "jump", "toSource", "namespace", "comment"],
  idOf: (i) => `iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${i.comment}`,
  namesOf: (i) => [`iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${ruleArgs(i, i.comment).join(" ")}`],

  // The rule's comment is its mark (the SDK's default, pulumi-netns:STACK:NAME, names the owner).
  markFor: (i) => i.comment,

  async create(c, i, mark) {
    // `iptables -C` matches comments exactly: look for the same rule under any comment first (one rule per host, so cheap).
    if ((await natLook(c, i)).objects.some((o) => !o.missing)) throw new ExistsError("rule exists");
    const s = new Script()
      .refuseIfExists(iptablesCheck(i.namespace, i), `an identical ${i.table}/${i.chain} rule (${ruleArgs(i).join(" ")}) already exists`)
      .refuseIfExists(iptablesCheck(i.namespace, i, mark), `this rule with comment ${mark} already exists`)
      .step(iptablesAppend(i.namespace, i, mark), iptablesDelete(i.namespace, i, mark));
    await run(c, s.toString());
    return {};
  },

  look: (c, i) => natLook(c, i),
  // Adopting: replace the rule in place (same position) by the same rule with our comment.
  markSteps: (i, mark, look) => [iptablesReplace(i.namespace, i, mark, look.objects[0].index ?? 1)],

  // Every input replaces the rule (replaceOn lists them all), so the engine's updates only follow an
  // owner or connection change (handled in common code). A create that finds its own rule with
  // another match (an interrupted run) lands here: swap the rule, which is what a replace would do.
  async update(c, olds, news) {
    if (sameRule(olds, news)) return {};
    await run(c, new Script().step(iptablesDelete(olds.namespace, olds, olds.comment)).step(iptablesAppend(news.namespace, news, news.comment)).toString());
    return {};
  },

  async delete(c, state) {
    const spec: RuleSpec = state;
    await run(c, new Script().deleteIfOwned(iptablesOwnedProbe(state.namespace, spec, state.comment), iptablesDelete(state.namespace, spec, state.comment)).toString());
  },
});

/** The rule with our comment, else one with the declared match and target (hand-made, or another owner's). */
async function natLook(c: NatRuleInputs["connection"], i: NatRuleInputs): Promise<Look<Partial<NatRuleInputs>>> {
  const [out] = sectionsOf(await run(c, showScript(iptablesList(i.namespace, i.table, i.chain))));
  const rules = out.split("\n").map((l) => parseRuleLine(i.table, l)).filter((r) => r !== undefined);
  const { rule, found } = findRule(rules, i.comment, (r) => sameRule(r, i), `${i.table}/${i.chain}`, ruleArgs(i).join(" "));
  return {
    objects: [found],
    // Every managed key explicitly, so a key missing on the host shows as drift.
    live: rule && {
      source: rule.source,
      destination: rule.destination,
      outInterface: rule.outInterface,
      notOutInterface: rule.notOutInterface,
      jump: rule.jump as NatRuleInputs["jump"],
      toSource: rule.toSource,
    },
  };
}

/** Same match and target, whatever the comment. */
function sameRule(a: RuleSpec, b: RuleSpec): boolean {
  return ruleArgs(a).join(" ") === ruleArgs(b).join(" ");
}
