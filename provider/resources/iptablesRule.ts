import { z } from "zod";
import type { Fail, InputsOf } from "../resource";
import { checkToSource, defineRule } from "./rule";
import { ifName, ipAddress, ipFamily, netnsName } from "../validate/net";
import { BUILTIN_CHAINS, chainName, ipv4Network, port, ruleComment } from "../validate/iptables";

export const JUMPS = ["ACCEPT", "DROP", "REJECT", "RETURN", "MASQUERADE", "SNAT"] as const;

export type IptablesRuleInputs = InputsOf<typeof iptablesRuleSchema>;

const NEGATABLE = [["source", "notSource"], ["destination", "notDestination"], ["inInterface", "notInInterface"], ["outInterface", "notOutInterface"]] as const;
const ALL_BUILTIN = new Set(Object.values(BUILTIN_CHAINS).flat());

/** Cross-property rules iptables would otherwise refuse on the host (or, worse, accept and never match). */
function crossCheck(i: IptablesRuleInputs, fail: Fail): void {
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
    fail(i.destinationPort !== undefined ? "destinationPort" : "sourcePort", "a port match needs protocol set to tcp, udp or sctp");
  }
  if ((i.jump === "MASQUERADE" || i.jump === "SNAT") && i.table !== "nat") fail("jump", `${i.jump} is only valid in the nat table, not ${i.table}`);
  if (i.jump === "MASQUERADE" && i.table === "nat" && builtin && i.chain !== "POSTROUTING") fail("jump", `MASQUERADE is only valid in POSTROUTING, not ${i.chain}`);
  if (i.jump === "SNAT" && i.table === "nat" && builtin && !["POSTROUTING", "INPUT"].includes(i.chain)) fail("jump", `SNAT is only valid in POSTROUTING or INPUT, not ${i.chain}`);
  if ((i.jump === "DROP" || i.jump === "REJECT") && i.table === "nat") fail("jump", `the nat table does not filter: put ${i.jump} rules in the filter table`);
  if (i.jump === "REJECT" && i.table !== "filter") fail("jump", `REJECT is only valid in the filter table, not ${i.table}`);
  checkToSource(i, fail);
}

/** A rule's inputs after check: the one source of their type (and of what IptablesRuleArgs may hold); components validate with it too. */
export const iptablesRuleSchema = z.object({
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
});

export const iptablesRuleProvider = defineRule("IptablesRule", iptablesRuleSchema, crossCheck);
