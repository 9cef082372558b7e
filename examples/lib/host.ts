import * as pulumi from "@pulumi/pulumi";
import { LabVm, type ConnectionArgs } from "../../sdk";

/**
 * The host an example builds on: your own, from config (`host`, `user`, `hostKey`, `sudo`,
 * and the secret `privateKey`), or else a VM of the local lab (`labName`, `labIndex`).
 */
export function exampleHost(labDefault: { lab: string; index: number }): { connection: pulumi.Output<ConnectionArgs>; lanIp: pulumi.Output<string> } {
  const config = new pulumi.Config();
  const host = config.get("host");
  if (host) {
    const connection = pulumi.output({
      host,
      user: config.get("user") ?? "root",
      privateKey: config.getSecret("privateKey"),
      hostKey: config.get("hostKey"),
      sudo: config.getBoolean("sudo") ?? false,
    });
    return { connection, lanIp: pulumi.output(host) };
  }
  const vm = new LabVm("vm", { lab: config.get("labName") ?? labDefault.lab, index: config.getNumber("labIndex") ?? labDefault.index, vm: 1 });
  return { connection: vm.connection, lanIp: vm.lanIp };
}
