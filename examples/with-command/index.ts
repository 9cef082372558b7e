/**
 * Composing with @pulumi/command: a remote.Command prepares the host (checks the tools and
 * loads nothing it does not need) before the network resources run, using the same connection.
 * Needs the `command` resource plugin (`pulumi plugin install resource command`).
 */
import * as command from "@pulumi/command";
import { Bridge, NetNamespace, VethPair } from "../../sdk";
import { exampleHost } from "../lib/host";

const { connection } = exampleHost({ lab: "withcmd", index: 13 });

// remote.Command's connection has no hostKey/sudo; pass what it understands.
const prepare = new command.remote.Command("prepare", {
  connection: connection.apply((c) => ({ host: c.host, user: c.user, privateKey: c.privateKey })),
  create: "command -v ip && command -v iptables && ip -V",
});

const bridge = new Bridge("br0", { connection, name: "br0", addresses: ["172.16.0.1/24"] }, { dependsOn: [prepare] });
const ns = new NetNamespace("ns1", { connection, name: "NS1" }, { dependsOn: [prepare] });
new VethPair("veth1", { connection, name: "veth10", bridge: bridge.name, peer: { name: "veth11", namespace: ns.name, addresses: ["172.16.0.2/24"] } });

export const tools = prepare.stdout;
