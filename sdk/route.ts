import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface RouteArgs extends OnHostArgs, OwnershipArgs {
  /** "default" or a network, e.g. "172.16.1.0/24". Changing it replaces the route. */
  destination: pulumi.Input<string>;
  /** The gateway, e.g. the other node's LAN IP. Updated in place. */
  via?: pulumi.Input<string>;
  /** The output device, e.g. "eth0". Updated in place. */
  device?: pulumi.Input<string>;
  /** The namespace to add the route in (a NetNamespace's `name`). Default: the host namespace. */
  namespace?: pulumi.Input<string>;
  /** The route's metric. Default: the kernel's. Changing it replaces the route. */
  metric?: pulumi.Input<number>;
  /** Routing table number. Default: main (254). Changing it replaces the route. */
  table?: pulumi.Input<number>;
}

/** A Route's outputs: its inputs, and what the kernel chose. */
export interface Route extends Outputs<RouteArgs>, Reports<"Route"> {}

/**
 * A route: `ip [-n NS] route add DEST via GW dev DEV proto 157`. The protocol number
 * marks it as ours: read and delete never touch a route someone else added.
 */
export class Route extends pulumi.CustomResource {
  constructor(name: string, args: RouteArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Route", name, args, {
      destination: args.destination, via: args.via, device: args.device,
      namespace: args.namespace, metric: args.metric, table: args.table, actualDevice: undefined,
    }, opts));
  }
}
