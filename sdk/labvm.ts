import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connection";
import { registration } from "./kinds";

export interface LabVmArgs {
  /** The lab this VM belongs to (1-12 characters of [a-z0-9-]). Default "demo". */
  lab?: pulumi.Input<string>;
  /** Picks the lab's LAN, 10.250.<index>.0/24. Default 0. */
  index?: pulumi.Input<number>;
  /** The VM's number in the lab (1-200): its LAN IP is 10.250.<index>.<10+vm>. */
  vm: pulumi.Input<number>;
}

/**
 * A VM of the local lab, provisioned on the machine running Pulumi (as root): a network
 * namespace with a private mount namespace and a real sshd. Use it where your cloud VM
 * resource would go; `connection` feeds the network resources.
 */
export class LabVm extends pulumi.CustomResource {
  /** The VM's LAN IP, where its sshd listens. */
  public readonly host!: pulumi.Output<string>;
  public readonly port!: pulumi.Output<number>;
  /** "root". */
  public readonly user!: pulumi.Output<string>;
  /** A non-root user with passwordless sudo. */
  public readonly sudoUser!: pulumi.Output<string>;
  /** The lab's private key (secret). */
  public readonly privateKey!: pulumi.Output<string>;
  /** The VM's sshd host public key, to pin. */
  public readonly hostKey!: pulumi.Output<string>;
  public readonly hostKeyFingerprint!: pulumi.Output<string>;
  public readonly hostname!: pulumi.Output<string>;
  public readonly lanIp!: pulumi.Output<string>;
  /** Ready-made connection as root with the host key pinned. */
  public readonly connection: pulumi.Output<ConnectionArgs>;

  constructor(name: string, args: LabVmArgs, opts?: pulumi.CustomResourceOptions) {
    super(...registration("LabVm", name, {
      lab: args.lab ?? "demo", index: args.index ?? 0, vm: args.vm,
      host: undefined, port: undefined, user: undefined, sudoUser: undefined, privateKey: undefined,
      hostKey: undefined, hostKeyFingerprint: undefined, hostname: undefined, lanIp: undefined,
    }, { ...opts, additionalSecretOutputs: ["privateKey"] }));
    this.connection = pulumi.all([this.host, this.user, this.privateKey, this.hostKey]).apply(([host, user, privateKey, hostKey]) => ({
      host, user, privateKey, hostKey,
    }));
  }
}
