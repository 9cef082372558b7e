/**
 * One node, one bridge, two namespaces (the tutorial's red and blue on br-0): each namespace
 * reaches the other and the host through the bridge, and the host is their gateway.
 */
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetNamespace, Ping, Route, VethPair } from "../../sdk";
import { exampleHost } from "../lib/host";

const { connection } = exampleHost({ lab: "single", index: 11 });
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
