import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface BridgedNamespaceArgs extends OnHostArgs, OwnershipArgs {
  /** The namespace's name. Changing it replaces everything. */
  name: pulumi.Input<string>;
  /** The bridge (in the host namespace) to plug the namespace into, e.g. a Bridge's `name`. */
  bridge: pulumi.Input<string>;
  /** The namespace's address with prefix, e.g. "172.16.0.2/24". Updated in place. */
  address: pulumi.Input<string>;
  /** Default route via this address (the bridge's). Updated in place. Default: no default route. */
  gateway?: pulumi.Input<string>;
  /** Host-side veth name (1-15 characters). */
  hostVeth: pulumi.Input<string>;
  /** Namespace-side veth name (1-15 characters). */
  nsVeth: pulumi.Input<string>;
  /** MTU of both veth ends. Default: the kernel's. */
  mtu?: pulumi.Input<number>;
}

/** A BridgedNamespace's outputs: its inputs, and the MACs of its veth ends. */
export interface BridgedNamespace extends Outputs<BridgedNamespaceArgs>, Reports<"BridgedNamespace"> {}

/**
 * A namespace plugged into a bridge in one resource and one SSH round trip: `ip netns add`,
 * `lo` up, a veth pair (host end on the bridge, the other end in the namespace with its
 * address) and a default route via the gateway. The same kernel objects as NetNamespace +
 * VethPair + Route; use it when a host has many namespaces.
 */
export class BridgedNamespace extends pulumi.CustomResource {
  constructor(name: string, args: BridgedNamespaceArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("BridgedNamespace", name, args, {
      name: args.name, bridge: args.bridge, address: args.address, gateway: args.gateway,
      hostVeth: args.hostVeth, nsVeth: args.nsVeth, mtu: args.mtu, mac: undefined, hostMac: undefined,
    }, opts));
  }
}
