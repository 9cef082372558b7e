import test from "ava";
import { iptablesRuleProvider } from "../../provider/resources";
import { matchArgs, parseMatchLine, ruleAppend, ruleInsert, ruleCheck, ruleDelete } from "../../provider/iptables/match";
import { conn } from "./support";
import { accepts, rejects } from "./check-helpers";

const rule = (over: Record<string, unknown>) => ({ connection: conn(), chain: "FORWARD", source: "172.16.0.0/24", jump: "ACCEPT", comment: "pulumi-netns:t:fw", ...over });
const K = "IptablesRule";

test("IptablesRule: defaults and canonical networks", async (t) => {
  t.like(await accepts(t, iptablesRuleProvider, rule({ source: "172.16.0.7/24", destination: "10.0.0.1" })), {
    table: "filter", chain: "FORWARD", position: "append", source: "172.16.0.0/24", destination: "10.0.0.1/32",
  });
  await accepts(t, iptablesRuleProvider, rule({ table: "nat", chain: "POSTROUTING", jump: "MASQUERADE", outInterface: "eth0" }));
  await accepts(t, iptablesRuleProvider, rule({ table: "nat", chain: "POSTROUTING", jump: "SNAT", toSource: "10.0.0.1" }));
  await accepts(t, iptablesRuleProvider, rule({ jump: "REJECT", protocol: "tcp", destinationPort: 22, position: "insert", notInInterface: "br0" }));
  await accepts(t, iptablesRuleProvider, rule({ table: "mangle", chain: "PREROUTING", jump: "RETURN", inInterface: "eth0" }));
  await accepts(t, iptablesRuleProvider, rule({ chain: "my-chain", jump: "DROP", outInterface: "eth0" }));
});

test("IptablesRule: each bad input is refused naming its property", async (t) => {
  const p = iptablesRuleProvider;
  await rejects(t, p, K, rule({ table: "raw" }), "table", /filter, nat, mangle/);
  await rejects(t, p, K, rule({ chain: "POSTROUTING" }), "chain", /no POSTROUTING chain/);
  await rejects(t, p, K, rule({ chain: "FOR WARD" }), "chain");
  await rejects(t, p, K, rule({ jump: "LOG" }), "jump", /ACCEPT, DROP, REJECT/);
  await rejects(t, p, K, rule({ jump: "MASQUERADE" }), "jump", /only valid in the nat table/);
  await rejects(t, p, K, rule({ table: "nat", chain: "PREROUTING", jump: "MASQUERADE" }), "jump", /POSTROUTING/);
  await rejects(t, p, K, rule({ table: "nat", chain: "POSTROUTING", jump: "DROP" }), "jump", /filter table/);
  await rejects(t, p, K, rule({ table: "mangle", chain: "FORWARD", jump: "REJECT" }), "jump", /filter table/);
  await rejects(t, p, K, rule({ table: "nat", chain: "POSTROUTING", jump: "SNAT" }), "toSource", /needs toSource/);
  await rejects(t, p, K, rule({ toSource: "10.0.0.1" }), "toSource", /only used with jump SNAT/);
  await rejects(t, p, K, rule({ notSource: "10.0.0.0/8" }), "notSource", /not both/);
  await rejects(t, p, K, rule({ source: "fd00::/64" }), "source", /IPv4/);
  await rejects(t, p, K, rule({ destination: "10.0.0.0/33" }), "destination");
  await rejects(t, p, K, rule({ inInterface: "eth 0" }), "inInterface");
  await rejects(t, p, K, rule({ chain: "OUTPUT", inInterface: "eth0" }), "inInterface", /no input interface/);
  await rejects(t, p, K, rule({ chain: "INPUT", outInterface: "eth0" }), "outInterface", /no output interface/);
  await rejects(t, p, K, rule({ destinationPort: 80 }), "destinationPort", /tcp, udp or sctp/);
  await rejects(t, p, K, rule({ protocol: "icmp", sourcePort: 80 }), "sourcePort", /tcp, udp or sctp/);
  await rejects(t, p, K, rule({ protocol: "tcp", destinationPort: 0 }), "destinationPort", /1-65535/);
  await rejects(t, p, K, rule({ protocol: "tcp", destinationPort: 65536 }), "destinationPort", /1-65535/);
  await rejects(t, p, K, rule({ protocol: "gre" }), "protocol");
  await rejects(t, p, K, rule({ position: "top" }), "position", /append.*insert/);
  await rejects(t, p, K, rule({ comment: "has space" }), "comment");
  await rejects(t, p, K, rule({ namespace: "-x" }), "namespace");
});

test("IptablesRule: builders equal the documented iptables commands", (t) => {
  const r = { table: "filter", chain: "FORWARD", notSource: "10.0.0.0/8", inInterface: "br0", protocol: "tcp", destinationPort: 80, jump: "ACCEPT" };
  t.deepEqual(ruleAppend(undefined, r, "c"), ["iptables", "-w", "-t", "filter", "-A", "FORWARD", "!", "-s", "10.0.0.0/8", "-i", "br0", "-p", "tcp", "-m", "tcp", "--dport", "80", "-m", "comment", "--comment", "c", "-j", "ACCEPT"]);
  t.deepEqual(ruleInsert("ns1", r, "c").slice(0, 10), ["ip", "netns", "exec", "ns1", "iptables", "-w", "-t", "filter", "-I", "FORWARD"]);
  t.is(ruleInsert(undefined, r, "c")[6], "1");
  t.is(ruleCheck(undefined, r)[4], "-C");
  t.false(ruleCheck(undefined, r).includes("--comment"));
  t.is(ruleDelete(undefined, r, "c")[4], "-D");
});

test("IptablesRule: an `iptables -S` line parses back to the spec it was built from", (t) => {
  const r = { table: "filter", chain: "FORWARD", source: "172.16.0.0/24", notDestination: "172.16.0.0/24", notOutInterface: "br0", protocol: "udp", sourcePort: 53, jump: "REJECT" };
  const line = `-A FORWARD ${matchArgs(r, "pulumi-netns:s:x").join(" ").replace("pulumi-netns:s:x", '"pulumi-netns:s:x"')} --reject-with icmp-port-unreachable`;
  t.deepEqual(parseMatchLine("filter", line), { ...r, comment: "pulumi-netns:s:x" });
  t.is(parseMatchLine("filter", "-P FORWARD DROP"), undefined);
});
