import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
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

/** A Linux bridge in the host namespace: `ip link add name NAME type bridge`. */
export class Bridge extends pulumi.CustomResource {
  /** The bridge's name: pass it to a VethPair's `bridge` so the pair is created after it. */
  public readonly name!: pulumi.Output<string>;
  public readonly addresses!: pulumi.Output<string[]>;
  public readonly mtu!: pulumi.Output<number | undefined>;
  public readonly up!: pulumi.Output<boolean>;
  public readonly stp!: pulumi.Output<boolean | undefined>;
  /** The bridge's MAC address. */
  public readonly mac!: pulumi.Output<string>;

  constructor(name: string, args: BridgeArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Bridge", name, args, {
      name: args.name, addresses: args.addresses ?? [], mtu: args.mtu, up: args.up ?? true, stp: args.stp,
      mac: undefined,
    }, opts));
  }
}
