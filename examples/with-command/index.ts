/**
 * Composing with @pulumi/command (1.x): a remote.Command prepares the host (checks the tools)
 * before the network resources run. Both packages get the same connection, host key pinned.
 * Needs the `command` resource plugin: `pulumi plugin install resource command 1.2.1`.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NetNamespace, VethPair, type ConnectionArgs } from "pulumi-netns";
import { LabVm } from "pulumi-netns/lab";

const config = new pulumi.Config();
// Your own host from stack config (host, user, hostKey, secret privateKey), or else a VM of the
// local lab (pulumi-netns/lab: needs root on this machine).
const connection: pulumi.Output<ConnectionArgs> = config.get("host")
  ? pulumi.output({ host: config.require("host"), user: config.get("user") ?? "root", hostKey: config.require("hostKey"), privateKey: config.requireSecret("privateKey") })
  : new LabVm("vm", { lab: config.get("labName") ?? "withcmd", index: config.getNumber("labIndex") ?? 13, vm: 1 }).connection;

const prepare = new command.remote.Command("prepare", {
  connection,
  create: "command -v ip && command -v iptables && ip -V",
});

const bridge = new Bridge("br0", { connection, name: "br0", addresses: ["172.16.0.1/24"] }, { dependsOn: [prepare] });
const ns = new NetNamespace("ns1", { connection, name: "NS1" }, { dependsOn: [prepare] });
new VethPair("veth1", { connection, name: "veth10", bridge: bridge.name, peer: { name: "veth11", namespace: ns.name, addresses: ["172.16.0.2/24"] } });

export const tools = prepare.stdout;
