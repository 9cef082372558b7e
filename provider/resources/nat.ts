import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { iptablesAppend, iptablesCheck, iptablesDelete, iptablesList, ruleArgs, type RuleSpec } from "../iptables/rule";
import { parseRuleLine } from "../iptables/parse";
import { cidr, cidrNetwork, ifName, ipAddress, ipFamily, netnsName, parseCidr } from "../validate/net";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import type { CheckFailure } from "../validate/errors";

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

  async create(c, i) {
    const s = new Script()
      .refuseIf(iptablesCheck(i.namespace, i), `an identical ${i.table}/${i.chain} rule (${ruleArgs(i).join(" ")}) already exists and is not managed by this resource; remove it or leave the NAT to it`)
      .refuseIf(iptablesCheck(i.namespace, i, i.comment), `this rule with comment ${i.comment} already exists; another resource or stack manages it`)
      .step(iptablesAppend(i.namespace, i, i.comment), iptablesDelete(i.namespace, i, i.comment));
    await run(c, s.toString());
    return {};
  },

  async read(c, state) {
    const out = await run(c, `${shellJoin(iptablesList(state.namespace, state.table, state.chain))} 2>/dev/null || true`);
    const rule = out.split("\n").map((l) => parseRuleLine(state.table, l)).find((r) => r?.comment === state.comment);
    if (!rule) return undefined;
    // Every managed key explicitly, so a key missing on the host shows as drift.
    return {
      source: rule.source,
      destination: rule.destination,
      outInterface: rule.outInterface,
      notOutInterface: rule.notOutInterface,
      jump: rule.jump as NatRuleInputs["jump"],
      toSource: rule.toSource,
    };
  },

  async update() {
    throw new Error("NatRule has no in-place updates: every change replaces the rule");
  },

  async delete(c, state) {
    const spec: RuleSpec = state;
    await run(c, `if ${shellJoin(iptablesCheck(state.namespace, spec, state.comment))} 2>/dev/null; then ${shellJoin(iptablesDelete(state.namespace, spec, state.comment))}; fi`);
  },
});
