import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";

export interface PingArgs extends OnHostArgs {
  /** The address to ping. */
  target: pulumi.Input<string>;
  /** Ping from inside this namespace. Default: the host namespace. */
  namespace?: pulumi.Input<string>;
  /** Echo requests to send (1-20). Default 3. */
  count?: pulumi.Input<number>;
  /** Any values whose change should re-run the probe, e.g. the addresses it depends on. */
  triggers?: pulumi.Input<unknown>;
}

/** A Ping's outputs: its inputs, and the probe's result. */
export interface Ping extends Outputs<PingArgs, "count">, Reports<"Ping"> {}

/** A connectivity probe: pings once at create (and at refresh) and records the result. Never fails the update. */
export class Ping extends pulumi.CustomResource {
  constructor(name: string, args: PingArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Ping", name, args, {
      target: args.target, namespace: args.namespace, count: args.count ?? 3,
      triggers: args.triggers, reachable: undefined, summary: undefined,
    }, opts, "none"));
  }
}
