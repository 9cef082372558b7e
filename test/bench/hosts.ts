/**
 * What both bench programs (test/bench/stack, test/bench/cmdstack) read first: the stack's config
 * (lab, labIndex, hosts, namespaces) and the lab VMs' connection data from the lab's state files
 * (no network access), so every SSH connection of a run is about the network resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { readLab, readVm } from "../../provider/lab/state";

export async function benchHosts(what: string) {
  const config = new pulumi.Config();
  const lab = config.require("lab");
  const labIndex = config.getNumber("labIndex");
  const hosts = config.requireNumber("hosts");
  const namespaces = config.requireNumber("namespaces");
  const rec = await readLab(lab);
  if (!rec) throw new Error(`${what}: lab ${lab} is not up`);
  if (labIndex !== undefined && rec.index !== labIndex) throw new Error(`${what}: lab ${lab} has index ${rec.index}, not ${labIndex}`);
  const vms = await Promise.all(
    Array.from({ length: hosts }, async (_, k) => {
      const info = (await readVm(lab, k + 1))?.info;
      if (!info) throw new Error(`${what}: lab ${lab} has no VM ${k + 1}`);
      return info;
    }),
  );
  return {
    config,
    hosts,
    namespaces,
    vms,
    privateKey: pulumi.secret(vms[0]?.privateKey ?? ""),
    /** Host k's bridge subnet. */
    subnet: (k: number) => `172.16.${k}.0/24`,
  };
}
