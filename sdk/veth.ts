import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

/** One end of a veth pair. */
export interface VethEndArgs {
  /** The interface name of this end (1-15 characters). Changing it replaces the pair. */
  name: pulumi.Input<string>;
  /** The namespace this end lives in (a NetNamespace's `name`). Default: the host namespace. Changing it replaces the pair. */
  namespace?: pulumi.Input<string>;
  /** Addresses with prefix, e.g. ["172.16.0.2/24"]. Updated in place. Default none. */
  addresses?: pulumi.Input<pulumi.Input<string>[]>;
  /** A bridge (in the same namespace as this end) to attach this end to. Updated in place. */
  bridge?: pulumi.Input<string>;
}

export interface VethPairArgs extends OnHostArgs, VethEndArgs, OwnershipArgs {
  /** MTU of both ends. Updated in place. Default: the kernel's (1500). */
  mtu?: pulumi.Input<number>;
  /** Bring both ends up. Default true. */
  up?: pulumi.Input<boolean>;
  /** The other end. */
  peer: pulumi.Input<VethEndArgs>;
}

/** A VethPair's outputs: its inputs, and the MACs of its ends. */
export interface VethPair extends Outputs<VethPairArgs, "addresses" | "up">, Reports<"VethPair"> {
  /** The other end, with its addresses (none: []). */
  readonly peer: pulumi.Output<{ name: string; namespace?: string; addresses: string[]; bridge?: string }>;
}

/**
 * A veth pair, a virtual cable: `ip link add NAME [netns NS] type veth peer name PEER [netns NS2]`,
 * with addresses, bridge attachment and links up on each end.
 */
export class VethPair extends pulumi.CustomResource {
  constructor(name: string, args: VethPairArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("VethPair", name, args, {
      name: args.name, namespace: args.namespace, addresses: args.addresses ?? [], bridge: args.bridge,
      mtu: args.mtu, up: args.up ?? true,
      peer: pulumi.output(args.peer).apply((p) => ({ ...p, addresses: p.addresses ?? [] })),
      mac: undefined, peerMac: undefined,
    }, opts));
  }
}
