import { z } from "zod";
import { checkToSource, defineRule } from "./rule";
import { ifName, ipAddress, ipFamily, netnsName } from "../validate/net";
import { chainNameLike, ipv4NetworkOr, ruleComment } from "../validate/iptables";

const ipv4Net = ipv4NetworkOr("must be an IPv4 network, e.g. 172.16.0.0/24 (NatRule drives iptables, not ip6tables)");

/** A rule's inputs after check: the one source of NatRuleInputs (and of what NatRuleArgs may hold). */
export const natRuleSchema = z.object({
  table: z.literal("nat", { error: "table must be \"nat\"" }).default("nat"),
  chain: chainNameLike("POSTROUTING").default("POSTROUTING"),
  source: ipv4Net.optional(),
  destination: ipv4Net.optional(),
  outInterface: ifName.optional(),
  notOutInterface: ifName.optional(),
  jump: z.enum(["MASQUERADE", "SNAT", "RETURN"], { error: "jump must be one of MASQUERADE, SNAT (with toSource) or RETURN" }),
  toSource: ipAddress.refine((s) => ipFamily(s) === 4, "toSource must be an IPv4 address").optional(),
  namespace: netnsName.optional(),
  /** Owner comment (`-m comment`): how read and delete find exactly this rule. */
  comment: ruleComment,
});

/**
 * An iptables NAT rule: IptablesRule's implementation (rule.ts) with NatRule's own schema, defaults
 * and checks, so state and marks (the comment) stay what they were.
 */
export const natRuleProvider = defineRule("NatRule", natRuleSchema, (i, fail) => {
  checkToSource(i, fail);
  if (i.outInterface && i.notOutInterface) fail("notOutInterface", "set outInterface or notOutInterface, not both");
  if (i.jump === "MASQUERADE" && !["POSTROUTING"].includes(i.chain) && !/^[a-z]/.test(i.chain)) {
    fail("chain", `MASQUERADE is only valid in POSTROUTING (or a user chain called from it), not ${i.chain}`);
  }
});
