import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface NetNamespaceArgs extends OnHostArgs, OwnershipArgs {
  /** The namespace's name, as `ip netns` shows it (a file in /run/netns). Changing it replaces the namespace. */
  name: pulumi.Input<string>;
  /** Bring the namespace's `lo` up. Default true. */
  loopbackUp?: pulumi.Input<boolean>;
}

/** A NetNamespace's outputs: its inputs. */
export interface NetNamespace extends Outputs<NetNamespaceArgs, "loopbackUp"> {
  /** The namespace's name: pass it to a VethPair or Route so they are created after it. */
  readonly name: pulumi.Output<string>;
  /** Whether `lo` is up. */
  readonly loopbackUp: pulumi.Output<boolean>;
}

/** A named network namespace: `ip netns add NAME`, with `lo` up. */
export class NetNamespace extends pulumi.CustomResource {
  constructor(name: string, args: NetNamespaceArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("NetNamespace", name, args, { name: args.name, loopbackUp: args.loopbackUp ?? true }, opts));
  }
}
