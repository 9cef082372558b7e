import test from "ava";
import requireFromString from "require-from-string";
import { vmExec } from "../../provider/lab";
import { bridgeProvider, natRuleProvider, netNamespaceProvider, routeProvider, vethPairProvider } from "../../provider/resources";
import type { DynamicProvider } from "../../provider";
import { providerText } from "../../sdk/kinds";
import { rootConnection, useLab } from "../helpers/lab";
import { make } from "../helpers/providers";
import { snapshot } from "../helpers/snapshot";

/** Refresh truthfulness, ownership, rollback of a failed create, and the serialized provider. */
const lab = useLab(test, { name: "drift", index: 5, nodes: 1 });
const vm = () => lab().vms[0];
const conn = () => rootConnection(vm());
const sh = (...argv: string[]) => vmExec(vm(), argv);

test.serial("drift: namespace, route and NAT rule deleted out of band read as gone; a changed address is reported", async (t) => {
  const before = await snapshot(vm());
  const ns = await make(netNamespaceProvider, { connection: conn(), name: "NS1" });
  const route = await make(routeProvider, { connection: conn(), destination: "172.16.1.0/24", via: vm().lanIp.replace(/\.\d+$/, ".1") }); // a gateway on this lab's LAN
  const nat = await make(natRuleProvider, { connection: conn(), source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE", comment: "pulumi-netns:drift" });
  const br = await make(bridgeProvider, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24"] });

  await sh("ip", "netns", "del", "NS1");
  await sh("ip", "route", "del", "172.16.1.0/24");
  await sh("iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-s", "172.16.0.0/24", "-o", "eth0", "-m", "comment", "--comment", "pulumi-netns:drift", "-j", "MASQUERADE");
  await sh("ip", "addr", "del", "172.16.0.1/24", "dev", "br0");
  await sh("ip", "addr", "add", "172.16.0.9/24", "dev", "br0");

  t.is((await netNamespaceProvider.read(ns.id, ns.outs)).id, "");
  t.is((await routeProvider.read(route.id, route.outs)).id, "");
  t.is((await natRuleProvider.read(nat.id, nat.outs)).id, "");
  const read = await bridgeProvider.read(br.id, br.outs);
  t.is(read.id, br.id);
  t.deepEqual(read.props?.addresses, ["172.16.0.9/24"]);
  // The next `up` sees the drift and puts the declared address back in place.
  const d = await bridgeProvider.diff(br.id, read.props!, br.outs);
  t.true(d.changes);
  t.deepEqual(d.replaces, []);
  await bridgeProvider.update(br.id, read.props!, br.outs);
  t.deepEqual((await bridgeProvider.read(br.id, br.outs)).props?.addresses, ["172.16.0.1/24"]);

  for (const m of [br, nat, route, ns]) await m.provider.delete(m.id, m.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("ownership: an unowned br0 or identical NAT rule makes create fail clearly, and is never removed", async (t) => {
  await sh("ip", "link", "add", "br0", "type", "bridge");
  await sh("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-s", "172.16.0.0/24", "-o", "eth0", "-j", "MASQUERADE");
  await sh("ip", "netns", "add", "theirs");
  try {
    const before = await snapshot(vm());
    await t.throwsAsync(make(bridgeProvider, { connection: conn(), name: "br0" }), { message: /Bridge create link\/br0 on root@[\d.]+:22: link br0 already exists .* not managed by this resource/ });
    await t.throwsAsync(make(natRuleProvider, { connection: conn(), source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE", comment: "pulumi-netns:own" }), { message: /identical nat\/POSTROUTING rule .* not managed by this resource/ });
    await t.throwsAsync(make(netNamespaceProvider, { connection: conn(), name: "theirs" }), { message: /namespace theirs already exists/ });
    // Deleting "our" objects of the same names (e.g. after state was lost) leaves theirs alone.
    const c = conn();
    await bridgeProvider.delete("x", { connection: c, name: "br0", addresses: [], up: true });
    await netNamespaceProvider.delete("x", { connection: c, name: "theirs", loopbackUp: true });
    t.is((await bridgeProvider.read("x", { connection: c, name: "br0", addresses: [], up: true })).id, "", "an unowned bridge does not read as ours");
    t.deepEqual(await snapshot(vm()), before);
  } finally {
    await sh("ip", "link", "del", "br0");
    await sh("iptables", "-w", "-t", "nat", "-D", "POSTROUTING", "-s", "172.16.0.0/24", "-o", "eth0", "-j", "MASQUERADE");
    await sh("ip", "netns", "del", "theirs");
  }
});

test.serial("a VethPair create that fails midway (enslaving to a non-bridge) leaves no link behind", async (t) => {
  await sh("ip", "link", "add", "notabridge", "type", "veth", "peer", "name", "notabridge1");
  const ns = await make(netNamespaceProvider, { connection: conn(), name: "NS1" });
  try {
    const before = await snapshot(vm());
    // The pair is created, then `master notabridge` fails: the script's undo must remove the pair.
    await t.throwsAsync(make(vethPairProvider, { connection: conn(), name: "veth10", bridge: "notabridge", peer: { name: "veth11", namespace: "NS1", addresses: ["172.16.0.2/24"] } }));
    t.deepEqual(await snapshot(vm()), before);
    // A missing peer namespace is refused before anything is made.
    await t.throwsAsync(make(vethPairProvider, { connection: conn(), name: "veth20", peer: { name: "veth21", namespace: "NS404" } }), { message: /namespace NS404 does not exist/ });
    t.deepEqual(await snapshot(vm()), before);
  } finally {
    await netNamespaceProvider.delete(ns.id, ns.outs);
    await sh("ip", "link", "del", "notabridge");
  }
});

test.serial("serialization: the provider text from state, run as the dynamic provider host runs it, creates on the lab", async (t) => {
  const text = providerText("netNamespaceProvider");
  t.true(text.length <= 300, `provider text is ${text.length} bytes`);
  // What the dynamic provider host does with the text from state (from the repo root: self-reference).
  const revived = requireFromString(text).handler() as DynamicProvider;
  const { inputs } = await revived.check({}, { connection: conn(), name: "NSser" });
  const { id, outs } = await revived.create(inputs);
  t.is((await sh("ip", "-json", "netns", "list")).stdout.includes('"NSser"'), true);
  await revived.delete(id, outs);
  t.false((await sh("ip", "-json", "netns", "list")).stdout.includes('"NSser"'));
});
