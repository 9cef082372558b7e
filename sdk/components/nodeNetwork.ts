import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "../connection";
import { Bridge } from "../bridge";
import { NetNamespace } from "../netns";
import { VethPair } from "../veth";
import { Route } from "../route";
import { NatRule } from "../nat";
import { Sysctl } from "../sysctl";
import { BridgedNamespace } from "../bridged";
import { IptablesRule } from "../iptablesRule";
import { checkHostIn, firstHost } from "./subnets";
import { DEFAULT_BRIDGE, DEFAULT_LAN } from "./defaults";
import { cidrNetwork, parseCidr } from "../../provider/validate/ip";
import { expandedNames } from "../../provider/expanded";

/** A namespace ("container") on the node's bridge. */
export interface NamespaceSpec {
  /** The namespace's name, e.g. "NS1". */
  name: string;
  /** Its address on the bridge subnet, without prefix, e.g. "172.16.0.2". */
  address: pulumi.Input<string>;
  /** Host-side veth name. Default "veth<i>0" (i = 1-based position). */
  hostVeth?: string;
  /** Namespace-side veth name. Default "veth<i>1". */
  nsVeth?: string;
}

/** Another node's subnet and how to reach it. */
export interface PeerRouteSpec {
  /** The other node's bridge subnet, e.g. "172.16.1.0/24". */
  subnet: pulumi.Input<string>;
  /** The other node's LAN IP. */
  via: pulumi.Input<string>;
  /**
   * A stable name for the peer (e.g. its node name): the route is then named `<node>-peer-<name>`,
   * so adding or removing another peer never renames (replaces) this one. Default: its 1-based position.
   */
  name?: string;
}

export interface NodeNetworkArgs {
  /** The node to build on. */
  connection: pulumi.Input<ConnectionArgs>;
  /** The bridge's name. Default "br0". */
  bridgeName?: string;
  /** The bridge subnet, e.g. "172.16.0.0/24"; the bridge takes its first address (.1) unless bridgeAddress is set. */
  subnet: string;
  /** The bridge's address in the subnet, the namespaces' gateway. Default: the subnet's first host (.1). */
  bridgeAddress?: string;
  /** MTU of the bridge and the veth pairs (e.g. 1450 on a VXLAN overlay). Default: the kernel's (1500). */
  mtu?: number;
  /** The namespaces to attach, each with a veth pair, its address and a default route via the bridge. */
  namespaces: NamespaceSpec[];
  /** Routes to other nodes' subnets through the LAN. Default none. */
  peers?: PeerRouteSpec[];
  /** The node's LAN interface, for peer routes and NAT. Default "eth0". */
  lanInterface?: string;
  /** MASQUERADE the subnet out of the LAN interface. Default true. */
  masquerade?: boolean;
  /** Turn on net.ipv4.ip_forward (restored on destroy). Default true. */
  ipForward?: boolean;
  /**
   * Accept forwarded traffic from and to the subnet, as CNI's firewall plugin does: two
   * filter rules at the top of FORWARD, `-s SUBNET -j ACCEPT` and `-d SUBNET -j ACCEPT`
   * (with owner comments). Needed on hosts whose FORWARD policy is DROP (Docker, ufw,
   * hardened images) and with bridge netfilter on. Default true; false adds none.
   */
  allowForwarding?: boolean;
  /**
   * One BridgedNamespace per namespace (the same kernel objects with a third of the resources).
   * false: NetNamespace + VethPair + default Route per namespace, one resource per kernel object
   * (the tutorial's steps; finer-grained diffs in previews). Default true.
   */
  compact?: boolean;
}

/**
 * The tutorials' per-node network as one component: a bridge with the subnet's first
 * address, namespaces on veth pairs with default routes, routes to peer subnets,
 * NAT and forwarding. Every name is known from the plain args, so each piece takes the names of
 * what it needs as plain values (previews show them, and a rename changes the dependent's input,
 * diffed exactly) and waits for those resources through `dependsOn`: the program registers the
 * whole network at once and the engine orders the steps.
 */
export class NodeNetwork extends pulumi.ComponentResource {
  public readonly bridge: Bridge;
  /** Namespace name → its address. */
  public readonly namespaceAddresses: pulumi.Output<Record<string, string>>;
  public readonly bridgeAddress: pulumi.Output<string>;
  public readonly subnet: pulumi.Output<string>;

  constructor(name: string, args: NodeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    const { gateway, prefix } = checkNodeArgs(name, args); // throws before anything is registered
    super("pulumi-netns:index:NodeNetwork", name, {}, opts);
    const parent = { parent: this };
    const lan = args.lanInterface ?? DEFAULT_LAN;
    const mtu = args.mtu;
    const connection = args.connection;

    const bridgeName = args.bridgeName ?? DEFAULT_BRIDGE;
    this.bridge = new Bridge(`${name}-bridge`, { connection, name: bridgeName, addresses: [`${gateway}/${prefix}`], mtu }, parent);
    const onBridge = { parent: this, dependsOn: [this.bridge] };
    const addresses: Record<string, pulumi.Output<string>> = {};
    args.namespaces.forEach((spec, k) => {
      const i = k + 1;
      addresses[spec.name] = pulumi.output(spec.address);
      const hostVeth = spec.hostVeth ?? `veth${i}0`;
      const nsVeth = spec.nsVeth ?? `veth${i}1`;
      const address = pulumi.interpolate`${spec.address}/${prefix}`;
      // replaceWith: the names are plain strings (dependsOn orders the steps), so the engine sees no
      // input of these depending on the bridge or namespace and would keep them when those are
      // replaced, though the kernel takes them away: a namespace's deletion removes the veth end
      // and the routes in it, a bridge's deletion detaches its ports. Replacing what they live in
      // replaces them too (the route through its veth pair).
      const names = expandedNames(`${name}-${spec.name}`);
      if (args.compact ?? true) {
        new BridgedNamespace(names.namespace, { connection, name: spec.name, bridge: bridgeName, address, gateway, hostVeth, nsVeth, mtu }, { ...onBridge, replaceWith: [this.bridge] });
        return;
      }
      const ns = new NetNamespace(names.namespace, { connection, name: spec.name }, parent);
      const veth = new VethPair(names.veth, {
        connection, name: hostVeth, bridge: bridgeName, mtu, peer: { name: nsVeth, namespace: spec.name, addresses: [address] },
      }, { parent: this, dependsOn: [this.bridge, ns], replaceWith: [ns, this.bridge] });
      // The veth pair depends on the namespace: the route waits for (and is deleted before) both.
      new Route(names.route, {
        connection, destination: "default", via: gateway, device: nsVeth, namespace: spec.name,
      }, { parent: this, dependsOn: [veth], replaceWith: [veth] });
    });
    (args.peers ?? []).forEach((peer, k) => {
      new Route(`${name}-peer-${peer.name ?? k + 1}`, { connection, destination: peer.subnet, via: peer.via, device: lan }, parent);
    });
    if (args.masquerade ?? true) {
      new NatRule(`${name}-masquerade`, { connection, source: args.subnet, outInterface: lan, jump: "MASQUERADE" }, parent);
    }
    if (args.allowForwarding ?? true) {
      // FORWARD ACCEPT for traffic leaving and entering the subnet, inserted at the top (before a
      // host's own DROP/REJECT rules). Declared here, not in a helper: the SDK records every frame
      // of the call stack in each resource's state.
      new IptablesRule(`${name}-forward-out`, { connection, chain: "FORWARD", source: args.subnet, jump: "ACCEPT", position: "insert" }, parent);
      new IptablesRule(`${name}-forward-in`, { connection, chain: "FORWARD", destination: args.subnet, jump: "ACCEPT", position: "insert" }, parent);
    }
    if (args.ipForward ?? true) {
      new Sysctl(`${name}-ip-forward`, { connection, key: "net.ipv4.ip_forward", value: "1" }, parent);
    }
    this.namespaceAddresses = pulumi.all(addresses);
    this.bridgeAddress = pulumi.output(gateway);
    this.subnet = pulumi.output(args.subnet);
    this.registerOutputs({ bridge: this.bridge, namespaceAddresses: this.namespaceAddresses, bridgeAddress: this.bridgeAddress, subnet: this.subnet });
  }
}

/** Validate what can be known in the program (plain values); returns the bridge's address and the prefix. */
function checkNodeArgs(name: string, args: NodeNetworkArgs): { gateway: string; prefix: number } {
  const where = `NodeNetwork ${name}`;
  const { gateway: first, prefix } = firstHost(args.subnet, `${where}: subnet`);
  if (args.bridgeAddress !== undefined) checkHostIn(args.bridgeAddress, args.subnet, `${where}: bridgeAddress`);
  const gateway = args.bridgeAddress ?? first;
  if (parseCidr(args.subnet)?.family === 6 && ((args.masquerade ?? true) || (args.allowForwarding ?? true))) {
    throw new Error(`${where}: subnet ${args.subnet} is IPv6; its NAT and FORWARD rules are iptables (IPv4) only: set masquerade: false and allowForwarding: false`);
  }
  args.namespaces.forEach((spec, k) => {
    if (typeof spec.address !== "string") return;
    checkHostIn(spec.address, args.subnet, `${where}: namespaces[${k}].address`);
    if (spec.address === gateway) throw new Error(`${where}: namespaces[${k}].address ${spec.address} is the bridge's address; pick another`);
  });
  (args.peers ?? []).forEach((p, k) => {
    if (typeof p.subnet === "string" && cidrNetwork(p.subnet) === cidrNetwork(args.subnet)) {
      throw new Error(`${where}: peers[${k}].subnet ${p.subnet} is this node's own subnet: a node cannot be its own peer; remove it`);
    }
  });
  return { gateway, prefix };
}
