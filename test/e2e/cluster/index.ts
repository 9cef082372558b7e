/**
 * A Cluster on a lab's VMs, as config describes it (config `cluster`): the mode, the subnet or
 * VNI, and per node its VM number and namespaces. Connections are read from the lab's state
 * files, so every SSH connection the engine makes is about the network.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../../sdk";
import type { ClusterTestConfig } from "./config";
import { readVm } from "../../../provider/lab/state";


export = async () => {
  // A JSON string: `pulumi config set` has no JSON-object form.
  const cfg = JSON.parse(new pulumi.Config().require("cluster")) as ClusterTestConfig;
  const nodes = await Promise.all(cfg.nodes.map(async (n) => {
    const vm = (await readVm(cfg.lab, n.vm))?.info;
    if (!vm) throw new Error(`cluster test stack: lab ${cfg.lab} has no VM ${n.vm}`);
    return {
      name: n.name, subnet: n.subnet, namespaces: n.namespaces, lanIp: n.lanIp ?? vm.lanIp,
      connection: { host: vm.host, user: "root", privateKey: pulumi.secret(vm.privateKey), hostKey: vm.hostPublicKey },
    };
  }));
  const cluster = new Cluster("c", { ...cfg.args, nodes });
  return { subnets: cluster.subnets, namespaceAddresses: cluster.namespaceAddresses };
};
