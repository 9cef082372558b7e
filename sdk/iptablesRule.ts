import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs } from "./outputs";
import { ruleCommentFor, type OwnershipArgs } from "./owner";

export interface IptablesRuleArgs extends OnHostArgs, OwnershipArgs {
  /** The table: "filter", "nat" or "mangle". Default "filter". */
  table?: pulumi.Input<"filter" | "nat" | "mangle">;
  /** The chain, e.g. "FORWARD" (a built-in chain of the table, or an existing user chain). */
  chain: pulumi.Input<string>;
  /** Match this source address or network (`-s`), e.g. "172.16.0.0/24". Default: any. */
  source?: pulumi.Input<string>;
  /** Match any source but this one (`! -s`). */
  notSource?: pulumi.Input<string>;
  /** Match this destination (`-d`). Default: any. */
  destination?: pulumi.Input<string>;
  /** Match any destination but this one (`! -d`). */
  notDestination?: pulumi.Input<string>;
  /** Match packets arriving on this interface (`-i`). Not in OUTPUT/POSTROUTING. */
  inInterface?: pulumi.Input<string>;
  /** Match packets not arriving on this interface (`! -i`). */
  notInInterface?: pulumi.Input<string>;
  /** Match packets leaving through this interface (`-o`). Not in PREROUTING/INPUT. */
  outInterface?: pulumi.Input<string>;
  /** Match packets not leaving through this interface (`! -o`). */
  notOutInterface?: pulumi.Input<string>;
  /** Match this protocol (`-p`): tcp, udp, icmp or sctp. Default: any. */
  protocol?: pulumi.Input<"tcp" | "udp" | "icmp" | "sctp">;
  /** With tcp/udp/sctp: match this source port (`--sport`). */
  sourcePort?: pulumi.Input<number>;
  /** With tcp/udp/sctp: match this destination port (`--dport`). */
  destinationPort?: pulumi.Input<number>;
  /** The target: ACCEPT, DROP, REJECT, RETURN, MASQUERADE or SNAT (with toSource; the last two nat only). */
  jump: pulumi.Input<"ACCEPT" | "DROP" | "REJECT" | "RETURN" | "MASQUERADE" | "SNAT">;
  /** With SNAT: the source address to rewrite to (`--to-source`). */
  toSource?: pulumi.Input<string>;
  /** "append" (`-A`, end of the chain) or "insert" (`-I CHAIN 1`, top: before rules such as Docker's). Default "append". */
  position?: pulumi.Input<"append" | "insert">;
  /** Add the rule inside this namespace instead of the host's. */
  namespace?: pulumi.Input<string>;
  /** The owner comment that marks the rule as this resource's. Default "pulumi-netns:STACK:NAME". */
  comment?: pulumi.Input<string>;
}

/** An IptablesRule's outputs: its inputs (defaults filled in). */
export interface IptablesRule extends Outputs<IptablesRuleArgs, "table" | "position" | "comment"> {}

/**
 * One iptables rule in any table, e.g. `iptables -w -t filter -I FORWARD 1 -s 172.16.0.0/24
 * -m comment --comment C -j ACCEPT`. Created only if no identical rule exists (`-C`); every
 * change replaces it; delete removes exactly this rule (matched with its comment).
 */
export class IptablesRule extends pulumi.CustomResource {
  constructor(name: string, args: IptablesRuleArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("IptablesRule", name, args, {
      table: args.table ?? "filter", chain: args.chain,
      source: args.source, notSource: args.notSource, destination: args.destination, notDestination: args.notDestination,
      inInterface: args.inInterface, notInInterface: args.notInInterface, outInterface: args.outInterface, notOutInterface: args.notOutInterface,
      protocol: args.protocol, sourcePort: args.sourcePort, destinationPort: args.destinationPort,
      jump: args.jump, toSource: args.toSource, position: args.position ?? "append", namespace: args.namespace,
      comment: args.comment ?? ruleCommentFor(name),
    }, opts, "comment"));
  }
}
