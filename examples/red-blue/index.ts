/** Two namespaces joined by one veth pair, no bridge: the tutorial's direct red/blue cable. */
import { NetNamespace, Ping, VethPair } from "../../sdk";
import { exampleHost } from "../lib/host";

const { connection } = exampleHost({ lab: "redblue", index: 12 });
const red = new NetNamespace("red", { connection, name: "red" });
const blue = new NetNamespace("blue", { connection, name: "blue" });
const cable = new VethPair("red-blue", {
  connection,
  name: "veth-red",
  namespace: red.name,
  addresses: ["10.0.1.0/16"],
  peer: { name: "veth-blue", namespace: blue.name, addresses: ["10.0.2.0/16"] },
});

export const redMac = cable.mac;
export const blueMac = cable.peerMac;
export const redToBlue = new Ping("red-to-blue", { connection, namespace: "red", target: "10.0.2.0" }, { dependsOn: [cable] }).reachable;
