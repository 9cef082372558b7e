/**
 * The program of the interrupted-run, two-stack and reboot tests (project test/faults/stack). Config:
 *   lab         the lab's name (its VMs must be up)
 *   hosts       how many of the lab's VMs to build on
 *   namespaces  namespaces per host
 *   prefix      prefix of every kernel name (namespaces, veths, bridge), so two stacks can share hosts; default ""
 *   subnetBase  second octet of the bridge subnets 172.<base>.<host>.0/24; default 16
 *   hostOffset  namespace j gets address .<offset + j>: changing it updates every VethPair in place; default 2
 *   ipForward   manage net.ipv4.ip_forward (one stack per host may); default true
 * Per host: a NodeNetwork (bridge, namespaces on veth pairs with default routes, routes to the other
 * hosts' subnets, MASQUERADE, ip_forward). Connections come from the lab's state files.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeNetwork } from "../../../sdk";
import { readVm } from "../../../provider/lab/state";

export = async () => {
  const config = new pulumi.Config();
  const lab = config.require("lab");
  const hosts = config.requireNumber("hosts");
  const namespaces = config.requireNumber("namespaces");
  const prefix = config.get("prefix") ?? "";
  const base = config.getNumber("subnetBase") ?? 16;
  const offset = config.getNumber("hostOffset") ?? 2;
  const ipForward = config.getBoolean("ipForward") ?? true;
  const vms = await Promise.all(
    Array.from({ length: hosts }, async (_, k) => {
      const info = (await readVm(lab, k + 1))?.info;
      if (!info) throw new Error(`faults stack: lab ${lab} has no VM ${k + 1}`);
      return info;
    }),
  );
  const subnet = (k: number) => `172.${base}.${k}.0/24`;
  vms.forEach((vm, k) => {
    new NodeNetwork(`${prefix}h${k + 1}`, {
      connection: { host: vm.host, user: "root", privateKey: pulumi.secret(vm.privateKey), hostKey: vm.hostPublicKey },
      bridgeName: `${prefix}br0`,
      subnet: subnet(k),
      namespaces: Array.from({ length: namespaces }, (_, j) => ({
        name: `${prefix}NS${j + 1}`, address: `172.${base}.${k}.${offset + j}`, hostVeth: `${prefix}v${j + 1}h`, nsVeth: `${prefix}v${j + 1}n`,
      })),
      peers: vms.flatMap((other, j) => (j === k ? [] : [{ subnet: subnet(j), via: other.lanIp }])),
      ipForward,
      compact: false, // the expanded resources: runs are killed among their many steps (hostOffset updates every VethPair)
    });
  });
  return { resources: hosts * (1 + 3 * namespaces + Math.max(hosts - 1, 0) + 1 + (ipForward ? 1 : 0)) };
};
