import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs } from "./outputs";
import { ruleCommentFor, type OwnershipArgs } from "./owner";

export interface NatRuleArgs extends OnHostArgs, OwnershipArgs {
  /** The iptables table. Only "nat". Default "nat". */
  table?: pulumi.Input<"nat">;
  /** The chain. Default "POSTROUTING". */
  chain?: pulumi.Input<string>;
  /** Match this source network (`-s`), e.g. "172.16.0.0/24". */
  source?: pulumi.Input<string>;
  /** Match this destination network (`-d`). */
  destination?: pulumi.Input<string>;
  /** Match packets leaving through this interface (`-o`), e.g. "eth0". */
  outInterface?: pulumi.Input<string>;
  /** Match packets not leaving through this interface (`! -o`). */
  notOutInterface?: pulumi.Input<string>;
  /** The target: MASQUERADE, SNAT (with toSource) or RETURN. */
  jump: pulumi.Input<"MASQUERADE" | "SNAT" | "RETURN">;
  /** With SNAT: the source address to rewrite to (`--to-source`). */
  toSource?: pulumi.Input<string>;
  /** Add the rule inside this namespace instead of the host's. */
  namespace?: pulumi.Input<string>;
  /** The owner comment that marks the rule as this resource's. Default "pulumi-netns:STACK:NAME". */
  comment?: pulumi.Input<string>;
}

/** A NatRule's outputs: its inputs (defaults filled in). */
export interface NatRule extends Outputs<NatRuleArgs, "table" | "chain" | "comment"> {}

/**
 * An iptables NAT rule: `iptables -w -t nat -A POSTROUTING ... -m comment --comment C -j MASQUERADE`.
 * Every change replaces the rule; delete removes exactly this rule.
 */
export class NatRule extends pulumi.CustomResource {
  constructor(name: string, args: NatRuleArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("NatRule", name, args, {
      table: args.table ?? "nat", chain: args.chain ?? "POSTROUTING", source: args.source,
      destination: args.destination, outInterface: args.outInterface, notOutInterface: args.notOutInterface,
      jump: args.jump, toSource: args.toSource, namespace: args.namespace,
      comment: args.comment ?? ruleCommentFor(name),
    }, opts, "comment"));
  }
}
