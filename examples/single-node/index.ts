/**
 * One node, one bridge, two namespaces (the tutorial's red and blue on br-0): each namespace
 * reaches the other and the host through the bridge, and the host is their gateway.
 */
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetNamespace, Ping, Route, VethPair, type ConnectionArgs } from "pulumi-netns";
import { LabVm } from "pulumi-netns/lab";

const config = new pulumi.Config();
// Your own host from stack config (host, user, hostKey, secret privateKey), or else a VM of the
// local lab (pulumi-netns/lab: needs root on this machine).
const connection: pulumi.Output<ConnectionArgs> = config.get("host")
  ? pulumi.output({ host: config.require("host"), user: config.get("user") ?? "root", hostKey: config.require("hostKey"), privateKey: config.requireSecret("privateKey") })
  : new LabVm("vm", { lab: config.get("labName") ?? "single", index: config.getNumber("labIndex") ?? 11, vm: 1 }).connection;
const bridge = new Bridge("br-0", { connection, name: "br-0", addresses: ["192.168.15.5/24"] });

const addresses: Record<string, string> = { red: "192.168.15.1", blue: "192.168.15.2" };
const namespaces = Object.entries(addresses).map(([color, address]) => {
  const ns = new NetNamespace(color, { connection, name: color });
  const veth = new VethPair(`veth-${color}`, {
    connection,
    name: `veth-${color}-br`,
    bridge: bridge.name,
    peer: { name: `veth-${color}`, namespace: ns.name, addresses: [`${address}/24`] },
  });
  new Route(`${color}-default`, { connection, destination: "default", via: "192.168.15.5", device: veth.peer.name, namespace: ns.name });
  return { color, ns, veth };
});

export const redToBlue = new Ping("red-to-blue", { connection, namespace: "red", target: addresses.blue },
  { dependsOn: namespaces.map((n) => n.veth) }).reachable;
export const blueToRed = new Ping("blue-to-red", { connection, namespace: "blue", target: addresses.red },
  { dependsOn: namespaces.map((n) => n.veth) }).reachable;
export const bridgeMac = bridge.mac;
export const namespaceNames = pulumi.all(namespaces.map((n) => n.ns.name));
