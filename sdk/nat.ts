import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { IptablesRuleArgs } from "./iptablesRule";
import type { Outputs } from "./outputs";
import { ruleCommentFor, type OwnershipArgs } from "./owner";

/**
 * NatRule's inputs. NatRule is IptablesRule's nat-table subset (the core runs both with one
 * implementation): the properties they share are IptablesRule's, documented there; table, chain and
 * jump are NatRule's own, narrowed.
 */
export interface NatRuleArgs extends OnHostArgs, OwnershipArgs,
  Pick<IptablesRuleArgs, "source" | "destination" | "outInterface" | "notOutInterface" | "toSource" | "namespace" | "comment"> {
  /** The iptables table. Only "nat". Default "nat". */
  table?: pulumi.Input<"nat">;
  /** The chain. Default "POSTROUTING". */
  chain?: pulumi.Input<string>;
  /** The target: MASQUERADE, SNAT (with toSource) or RETURN. */
  jump: pulumi.Input<"MASQUERADE" | "SNAT" | "RETURN">;
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
