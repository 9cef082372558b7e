import * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import { onHost } from "./kinds";
import type { Outputs, Reports } from "./outputs";
import type { OwnershipArgs } from "./owner";

export interface SysctlArgs extends OnHostArgs, OwnershipArgs {
  /** The sysctl key, e.g. "net.ipv4.ip_forward". Changing it replaces the resource. */
  key: pulumi.Input<string>;
  /** The value to set, e.g. "1". Updated in place. */
  value: pulumi.Input<string | number>;
  /** Set it inside this namespace instead of the host's. */
  namespace?: pulumi.Input<string>;
  /**
   * The value to restore on delete. Default: the value found when the resource was created. Set
   * it when adopting a value set by hand (e.g. "0", the kernel's default for net.ipv4.ip_forward).
   */
  restoreTo?: pulumi.Input<string | number>;
}

/** A Sysctl's outputs: its inputs (values as the kernel takes them, text), and the value it found. */
export interface Sysctl extends Outputs<SysctlArgs>, Reports<"Sysctl"> {
  /** The value set, as text (a number given is stored as its digits). */
  readonly value: pulumi.Output<string>;
  /** The value to restore on delete, as text, when set. */
  readonly restoreTo: pulumi.Output<string | undefined>;
}

/** A kernel parameter: `sysctl -w KEY=VALUE`. The previous value is recorded and restored on delete. */
export class Sysctl extends pulumi.CustomResource {
  constructor(name: string, args: SysctlArgs, opts?: pulumi.CustomResourceOptions) {
    super(...onHost("Sysctl", name, args, {
      key: args.key, value: args.value, namespace: args.namespace, restoreTo: args.restoreTo, previous: undefined,
    }, opts));
  }
}
