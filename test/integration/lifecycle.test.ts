import test from "ava";
import { vmExec } from "../../provider/lab";
import { bridgeProvider, natRuleProvider, netNamespaceProvider, routeProvider, sysctlProvider, vethPairProvider } from "../../provider/resources";
import { rootConnection, useLab } from "../helpers/lab";
import { change, make } from "../helpers/providers";
import { snapshot } from "../helpers/snapshot";

/** Each resource through create → read → update → diff → delete, reading the kernel after every step. */
const lab = useLab(test, { name: "life", index: 3, nodes: 1 });
const vm = () => lab().vms[0];
const conn = () => rootConnection(vm());
const ipj = async (...a: string[]) => JSON.parse((await vmExec(vm(), ["ip", "-json", ...a], { allowFail: true })).stdout || "[]");

test.serial("NetNamespace: create, read, update loopback, delete (idempotent)", async (t) => {
  const before = await snapshot(vm());
  const ns = await make(netNamespaceProvider, { connection: conn(), name: "NS1" });
  t.is(ns.id, `${vm().host}:22/netns/NS1`);
  t.deepEqual((await ipj("netns", "list")).map((n: { name: string }) => n.name), ["NS1"]);
  t.true((await ipj("-n", "NS1", "link", "show", "lo"))[0].flags.includes("UP"));
  t.is((await netNamespaceProvider.read(ns.id, ns.outs)).props?.loopbackUp, true);

  const { diff, made } = await change(ns, { connection: conn(), name: "NS1", loopbackUp: false });
  t.deepEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
  t.false((await ipj("-n", "NS1", "link", "show", "lo"))[0].flags.includes("UP"));
  t.is((await netNamespaceProvider.read(made.id, made.outs)).props?.loopbackUp, false);

  const rename = await netNamespaceProvider.diff(made.id, made.outs, { ...made.outs, name: "NS9" });
  t.deepEqual(rename.replaces, ["name"]);
  t.false(rename.deleteBeforeReplace);

  await netNamespaceProvider.delete(made.id, made.outs);
  await netNamespaceProvider.delete(made.id, made.outs); // gone already: still fine
  t.deepEqual((await netNamespaceProvider.read(made.id, made.outs)).id, "");
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Bridge: addresses and mtu update in place; name replaces", async (t) => {
  const before = await snapshot(vm());
  const br = await make(bridgeProvider, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24"] });
  let link = (await ipj("-d", "addr", "show", "dev", "br0"))[0];
  t.is(link.linkinfo.info_kind, "bridge");
  t.is(link.ifalias, "pulumi-netns");
  t.true(link.flags.includes("UP"));
  t.deepEqual(link.addr_info.filter((a: { scope: string }) => a.scope === "global").map((a: { local: string }) => a.local), ["172.16.0.1"]);
  t.is(br.outs.mac, link.address);

  const { diff, made } = await change(br, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24", "fd00:16::1/64"], mtu: 1400 });
  t.false(diff.replaces.length > 0);
  link = (await ipj("-d", "addr", "show", "dev", "br0"))[0];
  t.is(link.mtu, 1400);
  t.deepEqual(link.addr_info.filter((a: { scope: string }) => a.scope === "global").map((a: { local: string }) => a.local).sort(), ["172.16.0.1", "fd00:16::1"]);
  const read = await bridgeProvider.read(made.id, made.outs);
  t.deepEqual(read.props?.addresses, ["172.16.0.1/24", "fd00:16::1/64"]);
  t.is(read.props?.mtu, 1400);
  // Reading back identical state yields no diff: refresh then preview is quiet.
  const again = await bridgeProvider.check(made.outs, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24", "fd00:16::1/64"], mtu: 1400 });
  t.false((await bridgeProvider.diff(made.id, read.props!, again.inputs)).changes);

  const renamed = await bridgeProvider.diff(made.id, made.outs, { ...made.outs, name: "br1" });
  t.deepEqual(renamed.replaces, ["name"]);
  await bridgeProvider.delete(made.id, made.outs);
  await bridgeProvider.delete(made.id, made.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("VethPair: bridge-attached pair into a namespace, MACs, update bridge and addresses, delete", async (t) => {
  const before = await snapshot(vm());
  const ns = await make(netNamespaceProvider, { connection: conn(), name: "NS1" });
  const br = await make(bridgeProvider, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24"] });
  const raw = { connection: conn(), name: "veth10", bridge: "br0", peer: { name: "veth11", namespace: "NS1", addresses: ["172.16.0.2/24"] } };
  const v = await make(vethPairProvider, raw);
  const host = (await ipj("-d", "link", "show", "dev", "veth10"))[0];
  const peer = (await ipj("-n", "NS1", "-d", "addr", "show", "dev", "veth11"))[0];
  t.is(host.master, "br0");
  t.true(host.flags.includes("UP") && peer.flags.includes("UP"));
  t.is(peer.addr_info.find((a: { family: string }) => a.family === "inet").local, "172.16.0.2");
  t.is(v.outs.mac, host.address);
  t.is(v.outs.peerMac, peer.address);

  const { diff, made } = await change(v, { ...raw, bridge: undefined, peer: { ...raw.peer, addresses: ["172.16.0.9/24"] } });
  t.deepEqual(diff.replaces, []);
  t.is((await ipj("-d", "link", "show", "dev", "veth10"))[0].master, undefined);
  t.is((await ipj("-n", "NS1", "addr", "show", "dev", "veth11"))[0].addr_info.find((a: { family: string }) => a.family === "inet").local, "172.16.0.9");
  const peerRename = await vethPairProvider.diff(made.id, made.outs, { ...made.outs, peer: { ...(made.outs.peer as object), name: "veth12" } });
  t.deepEqual(peerRename.replaces, ["peer.name"]);

  // Deleting the namespace first takes the pair with it; the pair's delete is then a no-op.
  await netNamespaceProvider.delete(ns.id, ns.outs);
  t.is((await vethPairProvider.read(made.id, made.outs)).id, "");
  await vethPairProvider.delete(made.id, made.outs);
  await bridgeProvider.delete(br.id, br.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Route: in the host and in a namespace, marked with our proto; via updates in place", async (t) => {
  const before = await snapshot(vm());
  const lan = vm().lanIp.replace(/\.\d+$/, ""); // gateways on this lab's LAN (10.250.<index>)
  const r = await make(routeProvider, { connection: conn(), destination: "172.16.1.0/24", via: `${lan}.1`, device: "eth0" });
  let routes = await ipj("route", "show", "exact", "172.16.1.0/24");
  t.is(routes[0].gateway, `${lan}.1`);
  t.is(routes[0].protocol, "157");
  const { diff, made } = await change(r, { connection: conn(), destination: "172.16.1.0/24", via: `${lan}.2`, device: "eth0" });
  t.deepEqual(diff.replaces, []);
  routes = await ipj("route", "show", "exact", "172.16.1.0/24");
  t.is(routes.length, 1);
  t.is(routes[0].gateway, `${lan}.2`);
  t.is((await routeProvider.read(made.id, made.outs)).props?.via, `${lan}.2`);
  t.deepEqual((await routeProvider.diff(made.id, made.outs, { ...made.outs, metric: 10 })).replaces, ["metric"]);
  await routeProvider.delete(made.id, made.outs);
  await routeProvider.delete(made.id, made.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("NatRule: exact rule with our comment; any change replaces; delete removes only it", async (t) => {
  const before = await snapshot(vm());
  const raw = { connection: conn(), source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE", comment: "pulumi-netns:test:nat" };
  const n = await make(natRuleProvider, raw);
  const rules = (await vmExec(vm(), ["iptables", "-w", "-t", "nat", "-S", "POSTROUTING"])).stdout;
  t.regex(rules, /-A POSTROUTING -s 172\.16\.0\.0\/24 -o eth0 -m comment --comment "?pulumi-netns:test:nat"? -j MASQUERADE/);
  const read = await natRuleProvider.read(n.id, n.outs);
  t.is(read.props?.source, "172.16.0.0/24");
  const d = await natRuleProvider.diff(n.id, n.outs, (await natRuleProvider.check(n.outs, { ...raw, outInterface: "eth1" })).inputs);
  t.deepEqual(d.replaces, ["outInterface"]);
  await natRuleProvider.delete(n.id, n.outs);
  await natRuleProvider.delete(n.id, n.outs);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Sysctl: records the previous value, updates in place, restores on delete", async (t) => {
  const before = await snapshot(vm(), ["net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter"]);
  const s = await make(sysctlProvider, { connection: conn(), key: "net.ipv4.ip_forward", value: "1" });
  t.is((await vmExec(vm(), ["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim(), "1");
  t.is(s.outs.previous, before.sysctls["net.ipv4.ip_forward"]);
  const rp = await make(sysctlProvider, { connection: conn(), key: "net.ipv4.conf.all.rp_filter", value: 2 });
  const { made } = await change(rp, { connection: conn(), key: "net.ipv4.conf.all.rp_filter", value: "1" });
  t.is((await vmExec(vm(), ["sysctl", "-n", "net.ipv4.conf.all.rp_filter"])).stdout.trim(), "1");
  t.is(made.outs.previous, before.sysctls["net.ipv4.conf.all.rp_filter"]);
  await sysctlProvider.delete(made.id, made.outs);
  await sysctlProvider.delete(s.id, s.outs);
  t.deepEqual(await snapshot(vm(), ["net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter"]), before);
});

test.serial("BridgedNamespace: namespace + veth on the bridge + address + default route in one round trip; address and gateway update; delete", async (t) => {
  const { bridgedNamespaceProvider } = await import("../../provider/resources");
  const before = await snapshot(vm());
  const br = await make(bridgeProvider, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24"] });
  const raw = { connection: conn(), name: "NS1", bridge: "br0", address: "172.16.0.2/24", gateway: "172.16.0.1", hostVeth: "veth10", nsVeth: "veth11" };
  const b = await make(bridgedNamespaceProvider, raw);
  t.is((await ipj("-d", "link", "show", "dev", "veth10"))[0].master, "br0");
  t.is((await ipj("-n", "NS1", "addr", "show", "dev", "veth11"))[0].addr_info.find((a: { family: string }) => a.family === "inet").local, "172.16.0.2");
  t.true((await ipj("-n", "NS1", "link", "show", "lo"))[0].flags.includes("UP"));
  const route = (await ipj("-n", "NS1", "route", "show", "default"))[0];
  t.like(route, { gateway: "172.16.0.1", dev: "veth11", protocol: "157" });
  t.is((await vmExec(vm(), ["ip", "netns", "exec", "NS1", "ping", "-c", "1", "-W", "1", "172.16.0.1"], { allowFail: true })).code, 0);
  t.deepEqual((await bridgedNamespaceProvider.read(b.id, b.outs)).props?.gateway, "172.16.0.1");

  const { diff, made } = await change(b, { ...raw, address: "172.16.0.9/24" });
  t.deepEqual(diff.replaces, []);
  t.is((await ipj("-n", "NS1", "addr", "show", "dev", "veth11"))[0].addr_info.find((a: { family: string }) => a.family === "inet").local, "172.16.0.9");
  t.like((await ipj("-n", "NS1", "route", "show", "default"))[0], { gateway: "172.16.0.1" }, "the default route survives the address change");
  t.deepEqual((await bridgedNamespaceProvider.diff(made.id, made.outs, { ...made.outs, hostVeth: "veth20" })).replaces, ["hostVeth"]);

  // Out of band: the route goes; read reports it.
  await vmExec(vm(), ["ip", "-n", "NS1", "route", "del", "default"]);
  t.is((await bridgedNamespaceProvider.read(made.id, made.outs)).props?.gateway, undefined);

  await bridgedNamespaceProvider.delete(made.id, made.outs);
  await bridgedNamespaceProvider.delete(made.id, made.outs);
  t.is((await bridgedNamespaceProvider.read(made.id, made.outs)).id, "");
  await bridgeProvider.delete(br.id, br.outs);
  t.deepEqual(await snapshot(vm()), before);
});
