import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { IptablesRule } from "../iptablesRule";
import { Vxlan } from "../vxlan";
import { NodeNetwork, type NamespaceSpec } from "./nodeNetwork";
import { DEFAULT_BRIDGE, DEFAULT_LAN } from "./defaults";
import { checkClusterArgs, type NodePlan } from "./clusterPlan";

/** One node of a Cluster. */
export interface ClusterNode {
  /** A stable name, used in resource names (`<cluster>-<name>-...`). Never reuse one for another host. */
  name: string;
  /** How to reach the node. */
  connection: pulumi.Input<ConnectionArgs>;
  /** The node's LAN (underlay) address: peer routes point at it (`routes`), tunnels end at it (`vxlan`). */
  lanIp: pulumi.Input<string>;
  /** The node's LAN interface. Default "eth0". */
  lanInterface?: string;
  /**
   * `routes` mode: the node's bridge subnet, e.g. "172.16.1.0/24". Default: its share of the
   * cluster's `subnet` (share number `share`, of size `/nodePrefix`).
   * `vxlan` mode: not used (every node is on the cluster's one subnet).
   */
  subnet?: string;
  /** `routes` mode without `subnet`: which share of the cluster subnet (0-based). Default: the node's position. */
  share?: number;
  /** `vxlan` mode: the node's bridge address on the overlay, its namespaces' gateway. Default: the overlay's (1 + position)-th host. */
  bridgeAddress?: string;
  /** The node's namespaces, each with its address (no prefix). */
  namespaces: NamespaceSpec[];
}

export interface ClusterArgs {
  /**
   * `routes`: the tutorial's per-node subnets with a route to each peer's subnet via its LAN IP
   * (the nodes must share one L2 segment). `vxlan`: one overlay subnet across all nodes (VXLAN
   * between the LAN IPs), which also works across routed LANs. Default "routes".
   */
  mode?: "routes" | "vxlan";
  /** The nodes. Adding one creates its resources and updates the others in place (peer routes, flood entries). */
  nodes: ClusterNode[];
  /**
   * `vxlan`: the overlay subnet, e.g. "172.16.0.0/24" (required). `routes`: the range nodes
   * without their own `subnet` take their share of, e.g. "172.16.0.0/16". Default none.
   */
  subnet?: string;
  /** `routes`: the size of each node's share of `subnet`. Default 24. */
  nodePrefix?: number;
  /** `vxlan`: the VXLAN network identifier, 1-16777215. Default 42. */
  vni?: number;
  /** `vxlan`: the UDP port. Default 4789. */
  port?: number;
  /** `vxlan`: the overlay MTU of bridges, veths and the VXLAN device: the LAN's minus 50. Default 1450. */
  mtu?: number;
  /** The bridge's name on every node. Default "br0". */
  bridgeName?: string;
  /**
   * MASQUERADE each node's namespaces out of its LAN interface (to the rest of the LAN and beyond).
   * Traffic to the other nodes' subnets keeps its namespace source address (`routes` mode adds,
   * per peer, `iptables -t nat -I POSTROUTING 1 -s SUBNET -d PEER_SUBNET -j RETURN`). Default true.
   */
  masquerade?: boolean;
  /** FORWARD ACCEPT rules for the cluster's subnets (see NodeNetwork.allowForwarding). Default true. */
  allowForwarding?: boolean;
  /** net.ipv4.ip_forward=1 on every node. Default true. */
  ipForward?: boolean;
  /** One BridgedNamespace per namespace; false: NetNamespace + VethPair + Route each (see NodeNetwork.compact). Default true. */
  compact?: boolean;
}

/**
 * A container network over N nodes: per node a bridge, namespaces on veth pairs, NAT, FORWARD
 * rules and ip_forward (a NodeNetwork each), joined either by routes via the peers' LAN IPs or by
 * one VXLAN overlay. Bad input throws here, naming the argument, before anything is registered.
 */
export class Cluster extends pulumi.ComponentResource {
  /** Node name → its NodeNetwork. */
  public readonly networks: Record<string, NodeNetwork>;
  /** Node name → its VXLAN device (`vxlan` mode). */
  public readonly tunnels: Record<string, Vxlan>;
  /** Node name → its bridge subnet (the overlay subnet for every node in `vxlan` mode). */
  public readonly subnets: pulumi.Output<Record<string, string>>;
  /** Node name → namespace name → address. */
  public readonly namespaceAddresses: pulumi.Output<Record<string, Record<string, string>>>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const plans = checkClusterArgs(name, args); // throws before anything is registered
    super("pulumi-netns:index:Cluster", name, {}, opts);
    const parent = { parent: this };
    const mode = args.mode ?? "routes";
    this.networks = {};
    this.tunnels = {};
    plans.forEach((p: NodePlan, k) => {
      const node = args.nodes[k];
      const others = args.nodes.map((o, j) => ({ o, plan: plans[j] })).filter((x) => x.o !== node);
      const net = new NodeNetwork(`${name}-${node.name}`, {
        connection: node.connection,
        bridgeName: args.bridgeName,
        subnet: p.subnet,
        bridgeAddress: p.bridgeAddress,
        mtu: mode === "vxlan" ? p.mtu : undefined,
        namespaces: node.namespaces,
        peers: mode === "routes" ? others.map(({ o, plan }) => ({ name: o.name, subnet: plan.subnet, via: o.lanIp })) : [],
        lanInterface: node.lanInterface,
        masquerade: args.masquerade,
        allowForwarding: args.allowForwarding,
        ipForward: args.ipForward,
        compact: args.compact,
      }, parent);
      this.networks[node.name] = net;
      if (mode === "routes" && (args.masquerade ?? true)) {
        // Namespace to namespace across nodes without NAT, as CNI's ipMasq does: the peer sees the
        // real source, and replies need the route back (both directions are declared here).
        others.forEach(({ o, plan }) => new IptablesRule(`${name}-${node.name}-nonat-${o.name}`, {
          connection: node.connection, table: "nat", chain: "POSTROUTING", source: p.subnet, destination: plan.subnet, jump: "RETURN", position: "insert",
        }, parent));
      }
      if (mode === "vxlan") {
        this.tunnels[node.name] = new Vxlan(`${name}-${node.name}-vxlan`, {
          connection: node.connection,
          name: `vxlan${args.vni ?? 42}`.slice(0, 15),
          vni: args.vni ?? 42,
          port: args.port ?? 4789,
          local: node.lanIp,
          device: node.lanInterface ?? DEFAULT_LAN,
          bridge: args.bridgeName ?? DEFAULT_BRIDGE, // plain, as NodeNetwork names it; dependsOn orders the steps
          mtu: p.mtu,
          // An Output of the whole list: a new peer is an in-place update of this one resource.
          peers: pulumi.all(others.map(({ o }) => pulumi.output(o.lanIp))),
        }, { parent: this, dependsOn: [net.bridge], replaceWith: [net.bridge] }); // a replaced bridge drops its ports (see NodeNetwork)
      }
    });
    this.subnets = pulumi.output(Object.fromEntries(plans.map((p, k) => [args.nodes[k].name, p.subnet])));
    this.namespaceAddresses = pulumi.all(Object.fromEntries(Object.entries(this.networks).map(([n, net]) => [n, net.namespaceAddresses])));
    this.registerOutputs({ subnets: this.subnets, namespaceAddresses: this.namespaceAddresses });
  }
}
