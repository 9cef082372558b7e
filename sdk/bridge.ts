import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface BridgeArgs extends OnHostArgs, OwnershipArgs {
  /** The bridge's interface name (1-15 characters). Changing it replaces the bridge. */
  name: pulumi.Input<string>;
  /** Addresses with prefix, e.g. ["172.16.0.1/24"]. Updated in place. Default none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** MTU. Updated in place. Default: the kernel's (1500). */
  mtu?: pulumi.Input<number>;
  /** Bring the bridge up. Default true. */
  up?: pulumi.Input<boolean>;
  /** Spanning tree on or off. Default: the kernel's (off). */
  stp?: pulumi.Input<boolean>;
}

/** A Bridge's outputs: its inputs, and its MAC. */
export interface Bridge extends Outputs<BridgeArgs, "addresses" | "up">, Reports<"Bridge"> {
  /** The bridge's name: pass it to a VethPair's `bridge` so the pair is created after it. */
  readonly name: pulumi.Output<string>;
}

/** A Linux bridge in the host namespace: `ip link add name NAME type bridge`. */
export class Bridge extends pulumi.CustomResource {
  constructor(name: string, args: BridgeArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Bridge", name, args, {
      name: args.name, addresses: args.addresses ?? [], mtu: args.mtu, up: args.up ?? true, stp: args.stp,
      mac: undefined,
    }, opts));
  }
}
