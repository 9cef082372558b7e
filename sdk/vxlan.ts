import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface VxlanArgs extends OnHostArgs, OwnershipArgs {
  /** The device name (1-15 characters), e.g. "vxlan42". Changing it replaces the device. */
  name: pulumi.Input<string>;
  /** The VXLAN network identifier, 1-16777215; the same on every node of one overlay. Replaces. */
  vni: pulumi.Input<number>;
  /** This node's underlay (LAN) address, the tunnel's source. Replaces. */
  local: pulumi.Input<string>;
  /** The underlay device, e.g. "eth0". Replaces. */
  device: pulumi.Input<string>;
  /** The bridge to attach the device to (its master). Updated in place. Default none. */
  bridge?: pulumi.Input<string>;
  /** The other nodes' underlay addresses: one flood entry each. Updated in place as peers come and go. Default none. */
  peers?: pulumi.Input<pulumi.Input<string>[]>;
  /** MTU. Default: the kernel's, the underlay device's MTU minus the 50-byte VXLAN header (1450 on a 1500 LAN). */
  mtu?: pulumi.Input<number>;
  /** UDP port. Default 4789 (IANA). Replaces. */
  port?: pulumi.Input<number>;
}

/** A Vxlan's outputs: its inputs, and its MAC. */
export interface Vxlan extends Outputs<VxlanArgs, "peers" | "port">, Reports<"Vxlan"> {}

/**
 * A VXLAN device: `ip link add NAME type vxlan id VNI dstport 4789 local IP dev DEV nolearning`,
 * attached to a bridge, with a flood entry per peer (`bridge fdb append 00:00:00:00:00:00 dev NAME dst PEER`).
 * The namespaces on the bridges of all nodes then share one L2 segment, across routed LANs.
 */
export class Vxlan extends pulumi.CustomResource {
  constructor(name: string, args: VxlanArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Vxlan", name, args, {
      name: args.name, vni: args.vni, local: args.local, device: args.device,
      bridge: args.bridge, peers: args.peers ?? [], mtu: args.mtu, port: args.port ?? 4789, mac: undefined,
    }, opts));
  }
}
