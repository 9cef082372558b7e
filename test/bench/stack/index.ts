/**
 * The benchmark's Pulumi program (project test/bench/stack). Config:
 *   lab         the bench lab's name (its VMs must be up: scripts/bench.sh brings them up)
 *   labIndex    optional: the lab's index, checked against the lab's record
 *   hosts       H, how many of the lab's VMs to build on (0 = an empty program: engine overhead)
 *   namespaces  N, namespaces per host
 *   compact     optional: NodeNetwork's `compact` (unset: its default, compact; false: expanded)
 * Per host (the topology of test/bench/topology.ts, the two-node tutorial at H=2, N=2):
 * a NodeNetwork: bridge br0, NS1..NSn on veth pairs with default routes, a route to every
 * other host's subnet, MASQUERADE and ip_forward. No Ping resources.
 *
 * The hosts' connections are read from the lab's state files (no network access), so
 * every SSH connection and command the engine's provider makes is about the network
 * resources; the lab VMs are not resources of this stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeNetwork } from "../../../sdk";
import { benchHosts } from "../hosts";

export = async () => {
  const { config, hosts, namespaces, vms, privateKey, subnet } = await benchHosts("bench stack");
  // Unset: NodeNetwork as a user writes it (the default, one BridgedNamespace per namespace);
  // false: NetNamespace + VethPair + Route per namespace.
  const compact = config.getBoolean("compact");

  vms.forEach((vm, k) => {
    new NodeNetwork(`h${k + 1}`, {
      connection: { host: vm.host, user: "root", privateKey, hostKey: vm.hostPublicKey },
      subnet: subnet(k),
      namespaces: Array.from({ length: namespaces }, (_, j) => ({ name: `NS${j + 1}`, address: `172.16.${k}.${j + 2}` })),
      peers: vms.flatMap((other, j) => (j === k ? [] : [{ subnet: subnet(j), via: other.lanIp }])),
      compact,
    });
  });

  const compacted = compact ?? true;
  return { hosts, namespaces, compact: compacted, resources: hosts * (1 + (compacted ? 1 : 3) * namespaces + Math.max(hosts - 1, 0) + 2 + 2) }; // + 2 FORWARD rules
};
