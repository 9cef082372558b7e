/**
 * The tutorials' two-node container network, declared. By default it provisions two
 * VMs of the local lab (LabVm) and builds on them; set `nodes` in config to build on
 * your own hosts instead (see Pulumi.prod.yaml.example and the README). Connection details flow in as Outputs, the
 * way a cloud VM resource would hand them over.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeNetwork, Ping, type ConnectionArgs } from "pulumi-netns";
import { LabVm } from "pulumi-netns/lab";

interface NodeConfig {
  /** A name for the node, used in resource names. */
  name: string;
  /** Its bridge subnet, e.g. 172.16.0.0/24. */
  subnet: string;
  /** Namespace name → address on the subnet. Default NS1 = .2, NS2 = .3. */
  namespaces?: Record<string, string>;
  /** How to reach it; omit to provision a lab VM. The private key comes from the secret config `privateKey`. */
  connection?: Omit<ConnectionArgs, "privateKey">;
}

const config = new pulumi.Config();
const labName = config.get("labName") ?? "demo";
const labIndex = config.getNumber("labIndex") ?? 0;
const privateKey = config.getSecret("privateKey");
const nodes: NodeConfig[] = config.getObject<NodeConfig[]>("nodes") ?? [
  { name: "node1", subnet: "172.16.0.0/24" },
  { name: "node2", subnet: "172.16.1.0/24" },
];

const hostPart = (subnet: string, n: number) => subnet.split("/")[0].replace(/\d+$/, String(n));

const hosts = nodes.map((node, k) => {
  if (node.connection) {
    const connection = pulumi.output({ ...node.connection, privateKey });
    return { node, connection, lanIp: pulumi.output(node.connection.host) };
  }
  const vm = new LabVm(`${node.name}-vm`, { lab: labName, index: labIndex, vm: k + 1 });
  return { node, connection: vm.connection, lanIp: vm.lanIp };
});

const networks = hosts.map(({ node, connection }, k) =>
  new NodeNetwork(node.name, {
    connection,
    subnet: node.subnet,
    namespaces: Object.entries(node.namespaces ?? { NS1: hostPart(node.subnet, 2), NS2: hostPart(node.subnet, 3) })
      .map(([name, address]) => ({ name, address })),
    peers: hosts.filter((_, j) => j !== k).map((other) => ({ subnet: other.node.subnet, via: other.lanIp })),
    compact: false, // each tutorial step as its own resource (NetNamespace, VethPair, Route), as the README walks through
  }),
);

// Probe every namespace of every other node from each node's namespaces, once the networks exist.
const probes: Record<string, pulumi.Output<boolean>> = {};
hosts.forEach(({ connection, node }, k) => {
  for (const [fromNs] of Object.entries(nodes[k].namespaces ?? { NS1: "", NS2: "" })) {
    hosts.forEach((other, j) => {
      if (j === k) return;
      for (const [toNs, addr] of Object.entries(other.node.namespaces ?? { NS1: hostPart(other.node.subnet, 2), NS2: hostPart(other.node.subnet, 3) })) {
        const name = `${node.name}-${fromNs}-to-${other.node.name}-${toNs}`;
        probes[`${node.name}/${fromNs} -> ${other.node.name}/${toNs}`] = new Ping(name, {
          connection, namespace: fromNs, target: addr, count: 2,
          triggers: pulumi.all([networks[k].namespaceAddresses, networks[j].namespaceAddresses]),
        }, { dependsOn: networks }).reachable;
      }
    });
  }
});

export const nodeSummary = hosts.map(({ node, lanIp }, k) => ({
  name: node.name,
  lanIp,
  subnet: networks[k].subnet,
  bridge: networks[k].bridgeAddress,
  namespaces: networks[k].namespaceAddresses,
}));
export const connectivity = pulumi.all(probes);
