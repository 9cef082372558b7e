import test from "ava";
import { vmExec } from "../../provider/lab";
import { bridgeProvider, iptablesRuleProvider, natRuleProvider, netNamespaceProvider, pingProvider, routeProvider, sysctlProvider, vethPairProvider, vxlanProvider } from "../../provider/resources";
import { rootConnection, useLab } from "../helpers/lab";
import { change, make } from "../helpers/providers";
import { snapshot } from "../helpers/snapshot";

/**
 * Ownership with identity on a real host (lab o11a): a create that finds its own leftover takes
 * it over, another owner's object is refused naming that owner, an unmarked one is refused or
 * (with adopt) marked when it matches, and the previous release's objects stay manageable.
 */
const lab = useLab(test, { name: "o11a", index: 70, nodes: 1 });
const vm = () => lab().vms[0];
const conn = () => rootConnection(vm());
const sh = async (...argv: string[]) => (await vmExec(vm(), argv, { allowFail: true })).stdout;
const alias = async (ns: string | undefined, dev: string) =>
  (JSON.parse(await sh("ip", ...(ns ? ["-n", ns] : []), "-json", "link", "show", "dev", dev)) as Array<{ ifalias?: string }>)[0]?.ifalias;
const records = async () => (await sh("find", "/run/pulumi-netns", "-type", "f")).trim().split("\n").filter(Boolean).sort();
const A = "proj/stack-a/NetNamespace/ns";
const B = "proj/stack-b/NetNamespace/ns";

test.serial("own leftover: a second create (the engine never recorded the first) takes over; another owner is refused by name", async (t) => {
  const before = await snapshot(vm());
  const first = await make(netNamespaceProvider, { connection: conn(), owner: A, name: "NS1" });
  t.is(await alias("NS1", "lo"), `pulumi-netns:${A}`);
  const again = await make(netNamespaceProvider, { connection: conn(), owner: A, name: "NS1" });
  t.is(again.id, first.id);
  t.regex(String(again.outs.takeover), /took over/);
  const other = await t.throwsAsync(make(netNamespaceProvider, { connection: conn(), owner: B, name: "NS1" }));
  t.regex(other!.message, /namespace NS1 already exists and belongs to proj\/stack-a\/NetNamespace\/ns/);
  // Another owner's state never reads or deletes it.
  t.is((await netNamespaceProvider.read(first.id, { ...first.outs, owner: B })).id, "");
  await netNamespaceProvider.delete(first.id, { ...first.outs, owner: B });
  t.is(await alias("NS1", "lo"), `pulumi-netns:${A}`);
  await netNamespaceProvider.delete(first.id, first.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("own leftover with another spec is brought to spec, and says so", async (t) => {
  const owner = "proj/s/Bridge/br";
  const br = await make(bridgeProvider, { connection: conn(), owner, name: "br7", addresses: ["172.16.7.1/24"] });
  const moved = await make(bridgeProvider, { connection: conn(), owner, name: "br7", addresses: ["172.16.8.1/24"], mtu: 1400 });
  t.regex(String(moved.outs.takeover), /brought .* to spec .*addresses/);
  const live = JSON.parse(await sh("ip", "-json", "addr", "show", "dev", "br7"))[0];
  t.is(live.mtu, 1400);
  t.deepEqual(live.addr_info.filter((a: { scope: string }) => a.scope === "global").map((a: { local: string }) => a.local), ["172.16.8.1"]);
  await bridgeProvider.delete(br.id, moved.outs);
  t.is(await sh("ip", "link", "show", "dev", "br7"), "");
});

test.serial("unmarked: refused; adopt marks a match and changes nothing else; a difference or another kind is refused, host untouched", async (t) => {
  const before = await snapshot(vm());
  await sh("ip", "link", "add", "brh", "type", "bridge");
  await sh("ip", "addr", "add", "172.16.9.1/24", "dev", "brh");
  await sh("ip", "link", "set", "dev", "brh", "up");
  const handMade = await snapshot(vm());
  const decl = { connection: conn(), owner: "proj/s/Bridge/brh", name: "brh", addresses: ["172.16.9.1/24"] };
  t.regex((await t.throwsAsync(make(bridgeProvider, decl)))!.message, /link brh already exists and is not managed by this resource.*adopt: true/);
  const differs = await t.throwsAsync(make(bridgeProvider, { ...decl, adopt: true, addresses: ["172.16.9.2/24"] }));
  t.regex(differs!.message, /adopt: link brh differs from the declaration, nothing was changed: addresses: \["172.16.9.1\/24"\] on the host, \["172.16.9.2\/24"\] declared/);
  const kind = await t.throwsAsync(make(vethPairProvider, { connection: conn(), owner: "proj/s/VethPair/v", adopt: true, name: "brh", peer: { name: "brh-p" } }));
  t.regex(kind!.message, /link brh in the host namespace already exists as a bridge, not the veth declared/);
  t.deepEqual(await snapshot(vm()), handMade, "refusals change nothing");
  const adopted = await make(bridgeProvider, { ...decl, adopt: true });
  t.regex(String(adopted.outs.takeover), /adopted link brh/);
  t.is(await alias(undefined, "brh"), "pulumi-netns:proj/s/Bridge/brh");
  t.truthy((await bridgeProvider.read(adopted.id, adopted.outs)).id);
  await bridgeProvider.delete(adopted.id, adopted.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("routes and sysctls: records name the owner; takeover, refusal by name, and delete removes the record", async (t) => {
  const before = await snapshot(vm());
  const mine = { connection: conn(), owner: "proj/a/Route/r", destination: "172.31.5.0/24", device: "eth0" };
  const r = await make(routeProvider, mine);
  t.deepEqual(await records(), ["/run/pulumi-netns/route/%__254__4__172.31.5.0_24__0"]);
  t.regex(String((await make(routeProvider, mine)).outs.takeover), /took over/);
  t.regex((await t.throwsAsync(make(routeProvider, { ...mine, owner: "proj/b/Route/r" })))!.message, /belongs to proj\/a\/Route\/r/);
  await routeProvider.delete(r.id, { ...r.outs, owner: "proj/b/Route/r" }); // not its own: nothing
  t.truthy((await routeProvider.read(r.id, r.outs)).id);
  await routeProvider.delete(r.id, r.outs);

  const sysA = { connection: conn(), owner: "proj/a/Sysctl/f", key: "net.ipv4.conf.eth0.forwarding", value: "1" };
  const prev = (await sh("sysctl", "-n", sysA.key)).trim();
  const s = await make(sysctlProvider, sysA);
  t.is(s.outs.previous, prev);
  const again = await make(sysctlProvider, sysA);
  t.is(again.outs.previous, prev, "the takeover keeps the value to restore from the record");
  t.regex((await t.throwsAsync(make(sysctlProvider, { ...sysA, owner: "proj/b/Sysctl/f" })))!.message, /belongs to proj\/a\/Sysctl\/f/);
  await sysctlProvider.delete(s.id, s.outs);
  t.deepEqual(await records(), []);
  t.is((await sh("sysctl", "-n", sysA.key)).trim(), prev);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("NAT: adopt puts our comment on a hand-made rule in place; another stack's comment is refused by name", async (t) => {
  const before = await snapshot(vm());
  await sh("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-s", "172.16.40.0/24", "-o", "eth0", "-j", "MASQUERADE");
  const decl = { connection: conn(), source: "172.16.40.0/24", outInterface: "eth0", jump: "MASQUERADE", comment: "pulumi-netns:proj/a/NatRule/m" };
  t.regex((await t.throwsAsync(make(natRuleProvider, { ...decl, comment: "pulumi-netns:proj/b/NatRule/m" })))!.message, /not managed by this resource/);
  const n = await make(natRuleProvider, { ...decl, adopt: true });
  t.deepEqual((await sh("iptables", "-w", "-t", "nat", "-S", "POSTROUTING")).trim().split("\n").slice(1),
    ["-A POSTROUTING -s 172.16.40.0/24 -o eth0 -m comment --comment \"pulumi-netns:proj/a/NatRule/m\" -j MASQUERADE"]);
  t.regex((await t.throwsAsync(make(natRuleProvider, { ...decl, comment: "pulumi-netns:proj/b/NatRule/m" })))!.message, /belongs to proj\/a\/NatRule\/m/);
  await natRuleProvider.delete(n.id, n.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Vxlan: its own leftover taken over, another owner refused by name, a hand-made twin adopted only when it matches", async (t) => {
  const before = await snapshot(vm());
  const decl = { connection: conn(), owner: "proj/a/Vxlan/vx", name: "vx7", vni: 77, local: vm().host, device: "eth0", peers: ["10.250.70.201"] };
  const v = await make(vxlanProvider, decl);
  t.is(await alias(undefined, "vx7"), "pulumi-netns:proj/a/Vxlan/vx");
  t.regex(String((await make(vxlanProvider, decl)).outs.takeover), /took over/);
  t.regex((await t.throwsAsync(make(vxlanProvider, { ...decl, owner: "proj/b/Vxlan/vx" })))!.message, /link vx7 already exists and belongs to proj\/a\/Vxlan\/vx/);
  await vxlanProvider.delete(v.id, { ...v.outs, owner: "proj/b/Vxlan/vx" }); // not its own: nothing
  t.is(await alias(undefined, "vx7"), "pulumi-netns:proj/a/Vxlan/vx");
  await vxlanProvider.delete(v.id, v.outs);
  t.is(await sh("ip", "link", "show", "dev", "vx7"), "");

  await sh("ip", "link", "add", "vxh", "type", "vxlan", "id", "78", "dstport", "4789", "local", vm().host, "dev", "eth0", "nolearning");
  await sh("bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vxh", "dst", "10.250.70.202");
  await sh("ip", "link", "set", "dev", "vxh", "up");
  const handMade = await snapshot(vm());
  const hand = { ...decl, owner: "proj/a/Vxlan/vxh", name: "vxh", vni: 78, peers: ["10.250.70.202"] };
  t.regex((await t.throwsAsync(make(vxlanProvider, hand)))!.message, /link vxh already exists and is not managed by this resource/);
  const differs = await t.throwsAsync(make(vxlanProvider, { ...hand, adopt: true, peers: ["10.250.70.203"] }));
  t.regex(differs!.message, /adopt: link vxh differs from the declaration, nothing was changed: peers: \["10.250.70.202"\] on the host, \["10.250.70.203"\] declared/);
  t.deepEqual(await snapshot(vm()), handMade, "refusals change nothing");
  const adopted = await make(vxlanProvider, { ...hand, adopt: true });
  t.is(await alias(undefined, "vxh"), "pulumi-netns:proj/a/Vxlan/vxh");
  t.truthy((await vxlanProvider.read(adopted.id, adopted.outs)).id);
  await vxlanProvider.delete(adopted.id, adopted.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("IptablesRule: its comment names the owner; own leftover taken over, another owner's refused by name, a hand-made rule adopted in place", async (t) => {
  const before = await snapshot(vm());
  const decl = { connection: conn(), owner: "proj/a/IptablesRule/f", chain: "FORWARD", source: "172.16.41.0/24", jump: "ACCEPT", position: "insert", comment: "pulumi-netns:proj/a/IptablesRule/f" };
  const r = await make(iptablesRuleProvider, decl);
  t.regex(String((await make(iptablesRuleProvider, decl)).outs.takeover), /took over/);
  const forward = async () => (await sh("iptables", "-w", "-S", "FORWARD")).trim().split("\n").filter((l) => l.startsWith("-A"));
  t.deepEqual((await forward()).filter((l) => l.includes("172.16.41.0")), ["-A FORWARD -s 172.16.41.0/24 -m comment --comment \"pulumi-netns:proj/a/IptablesRule/f\" -j ACCEPT"], "one rule, not two");
  t.regex((await t.throwsAsync(make(iptablesRuleProvider, { ...decl, comment: "pulumi-netns:proj/b/IptablesRule/f" })))!.message, /belongs to proj\/a\/IptablesRule\/f/);
  await iptablesRuleProvider.delete(r.id, r.outs);

  await sh("iptables", "-w", "-A", "FORWARD", "-d", "172.16.42.0/24", "-j", "ACCEPT");
  const hand = { ...decl, destination: "172.16.42.0/24", source: undefined, comment: "pulumi-netns:proj/a/IptablesRule/h" };
  t.regex((await t.throwsAsync(make(iptablesRuleProvider, hand)))!.message, /not managed by this resource.*adopt: true/);
  const adopted = await make(iptablesRuleProvider, { ...hand, adopt: true });
  t.deepEqual((await forward()).filter((l) => l.includes("172.16.42.0")), ["-A FORWARD -d 172.16.42.0/24 -m comment --comment \"pulumi-netns:proj/a/IptablesRule/h\" -j ACCEPT"]);
  t.truthy((await iptablesRuleProvider.read(adopted.id, adopted.outs)).id);
  await iptablesRuleProvider.delete(adopted.id, adopted.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("the previous release's objects (global mark, no owner in state) are read, re-marked by an update, and deleted", async (t) => {
  const before = await snapshot(vm());
  const old = await make(netNamespaceProvider, { connection: conn(), name: "NSOLD" });
  t.is(await alias("NSOLD", "lo"), "pulumi-netns");
  t.truthy((await netNamespaceProvider.read(old.id, old.outs)).id);
  const { diff, made } = await change(old, { connection: conn(), owner: "proj/s/NetNamespace/old", name: "NSOLD", loopbackUp: true });
  t.deepEqual([diff.changes, diff.replaces], [true, []]);
  t.is(await alias("NSOLD", "lo"), "pulumi-netns:proj/s/NetNamespace/old");
  t.truthy((await netNamespaceProvider.read(made.id, made.outs)).id);
  await netNamespaceProvider.delete(made.id, made.outs);

  const oldRoute = await make(routeProvider, { connection: conn(), destination: "172.31.6.0/24", device: "eth0" });
  t.truthy((await routeProvider.read(oldRoute.id, oldRoute.outs)).id);
  await routeProvider.delete(oldRoute.id, oldRoute.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Ping (no kernel object, no mark): its probe's output and exit status read back as one section", async (t) => {
  const up = await make(pingProvider, { connection: conn(), target: "127.0.0.1", count: 1 });
  t.true(up.outs.reachable as boolean);
  t.regex(String(up.outs.summary), /1 packets transmitted, 1 received/);
  // An address of this test's own lab subnet that no VM has: no answer.
  const down = await make(pingProvider, { connection: conn(), target: "10.250.70.250", count: 1 });
  t.false(down.outs.reachable as boolean);
});
