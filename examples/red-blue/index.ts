/** Two namespaces joined by one veth pair, no bridge: the tutorial's direct red/blue cable. */
import * as pulumi from "@pulumi/pulumi";
import { NetNamespace, Ping, VethPair, type ConnectionArgs } from "pulumi-netns";
import { LabVm } from "pulumi-netns/lab";

const config = new pulumi.Config();
// Your own host from stack config (host, user, hostKey, secret privateKey), or else a VM of the
// local lab (pulumi-netns/lab: needs root on this machine).
const connection: pulumi.Output<ConnectionArgs> = config.get("host")
  ? pulumi.output({ host: config.require("host"), user: config.get("user") ?? "root", hostKey: config.require("hostKey"), privateKey: config.requireSecret("privateKey") })
  : new LabVm("vm", { lab: config.get("labName") ?? "redblue", index: config.getNumber("labIndex") ?? 12, vm: 1 }).connection;
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
