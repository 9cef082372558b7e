import test from "ava";
import { labDown, labUp, vmExec, type Lab } from "../../provider/lab";
import { sshdLogMarks } from "../helpers/lab";
import { engineBinDir, ok } from "../helpers/pulumi";
import { assertPings, changesOf, pingMatrix, readmeClusterProject } from "../helpers/cluster";
import { TestStack } from "../helpers/pulumi";
import { pingFrom, snapshots } from "../helpers/snapshot";
import type { HostSnapshot } from "../helpers/snapshot";
import type { ClusterTestConfig } from "./cluster/config";
import { Cluster, type ClusterArgs } from "../../sdk";
import { iptablesRuleProvider, vxlanProvider } from "../../provider/resources";
import type { DynamicProvider } from "../../provider/resource";

/**
 * A `vxlan` Cluster through the real engine across a ROUTED lab: VMs on two LAN subnets
 * (10.250.52.0/24: vm1, vm3; 10.250.53.0/24: vm2) joined by a router namespace, hardened
 * (FORWARD DROP, bridge netfilter on). The nodes share no L2 segment, so the tutorial's
 * routes cannot work; the overlay puts all namespaces on one subnet. The program is the
 * README's Cluster example as it stands (config `hosts`, secret `privateKey`).
 * Own lab c10b (indexes 52-53).
 */
const LAB = "c10b";
const INDEX = 52;
let lab: Lab | undefined;
let stack: TestStack | undefined;
let before: HostSnapshot[] = [];
let completed = 0;

const node = (k: number) => ({
  name: `n${k + 1}`, vm: k + 1,
  namespaces: [{ name: "NS1", address: `172.16.10.${10 * (k + 1) + 1}` }, { name: "NS2", address: `172.16.10.${10 * (k + 1) + 2}` }],
});
/** What the README program builds on the first N VMs (its node names and addresses), for the ping matrix. */
const readmeNet = (n: number): ClusterTestConfig => ({
  lab: LAB, args: { mode: "vxlan", subnet: "172.16.0.0/24" },
  nodes: Array.from({ length: n }, (_, k) => ({
    name: `node${k + 1}`, vm: k + 1,
    namespaces: [{ name: "NS1", address: `172.16.0.${10 * k + 11}` }, { name: "NS2", address: `172.16.0.${10 * k + 12}` }],
  })),
});
/** The README program's config: the first N VMs as `hosts` (host and pinned host key). */
const setHosts = async (n: number) => {
  const hosts = lab!.vms.slice(0, n).map((vm) => ({ host: vm.host, hostKey: vm.hostKeyFingerprint }));
  const r = await stack!.configSet("hosts", JSON.stringify(hosts));
  if (r.code !== 0) throw new Error(`config set hosts: ${r.stderr}`);
};
/** The largest packet the overlay MTU (1450) lets a namespace send: 1450 - 20 (IP) - 8 (ICMP). */
const FULL = 1422;

test.before(async () => {
  await labDown(LAB).catch(() => undefined);
  lab = await labUp({ name: LAB, index: INDEX, nodes: 3, hardened: true, subnets: 2 });
  before = await snapshots(lab.vms);
  stack = await TestStack.create(`vxlan-${process.pid}`, { binDir: await engineBinDir(), projectDir: await readmeClusterProject() });
  const key = await stack.configSetSecret("privateKey", lab.vms[0].privateKey); // one lab key for all VMs
  if (key.code !== 0) throw new Error(`config set privateKey: ${key.stderr}`);
});

test.after.always(async () => {
  if (stack) for (const p of await stack.remove()) console.error(`cluster-vxlan cleanup: ${p}`);
  await labDown(LAB);
});

test.serial("0. the routed lab: node 2 is not on node 1's segment; bad Cluster/Vxlan/IptablesRule input refused with 0 SSH connections", async (t) => {
  const [vm1, vm2] = lab!.vms;
  t.not(vm1.lanIp.split(".")[2], vm2.lanIp.split(".")[2], "different LAN subnets");
  t.regex((await vmExec(vm1, ["ip", "route", "get", vm2.lanIp])).stdout, new RegExp(`via ${lab!.routerIps[0].replace(/\./g, "\\.")}`), "reached only through the router");

  // Bad input, with connections to the live VMs: the component throws from its constructor (before
  // registering anything), the resources refuse at check; neither reaches any VM's sshd. (In the
  // program the constructor's error fails `pulumi preview` the same way; through our language host a
  // failing program takes minutes to exit, so the engine is not used for these rows.)
  const logs = await sshdLogMarks(lab!);
  const conn = (k: number) => ({ host: lab!.vms[k].host, user: "root", privateKey: lab!.vms[k].privateKey, hostKey: lab!.vms[k].hostPublicKey });
  const nodes = (n: number) => Array.from({ length: n }, (_, k) => ({ ...node(k), lanIp: lab!.vms[k].lanIp, connection: conn(k) }));
  const bad: Array<[ClusterArgs, RegExp]> = [
    [{ mode: "vxlan", subnet: "172.16.10.0/24", vni: 0, nodes: nodes(2) }, /Cluster c: vni: 0 is not a VXLAN network identifier \(1-16777215\)/],
    [{ mode: "vxlan", subnet: "172.16.10.0/24", vni: 16777216, nodes: nodes(2) }, /vni: 16777216 is not/],
    [{ mode: "vxlan", subnet: "172.16.10.0/24", port: 70000, nodes: nodes(2) }, /port: 70000 is not a UDP port/],
    [{ mode: "vxlan", subnet: "172.16.10.0/24", nodes: [nodes(2)[0], { ...nodes(2)[1], lanIp: lab!.vms[0].lanIp }] }, /nodes\[1\]\.lanIp: \S+ is also node n1's LAN IP/],
    [{ mode: "vxlan", subnet: "172.16.10.0/24", nodes: [nodes(2)[0], { ...nodes(2)[1], namespaces: [{ name: "NS1", address: "172.16.99.5" }] }] }, /nodes\[1\]\.namespaces\[0\]\.address: 172\.16\.99\.5 is outside the subnet 172\.16\.10\.0\/24/],
    [{ mode: "routes", nodes: [{ ...nodes(2)[0], subnet: "172.16.0.0/24", namespaces: [] }, { ...nodes(2)[1], subnet: "172.16.0.0/23", namespaces: [] }] }, /nodes\[1\]\.subnet: 172\.16\.0\.0\/23 overlaps node n1's 172\.16\.0\.0\/24/],
    [{ mode: "routes", nodes: [{ ...nodes(2)[0], subnet: "172.16.0.0/24", namespaces: [] }, { ...nodes(2)[1], subnet: "172.16.0.0/24", namespaces: [] }] }, /nodes\[1\]\.subnet: 172\.16\.0\.0\/24 is the same as node n1's/],
  ];
  for (const [args, re] of bad) t.throws(() => new Cluster("c", args), { message: re });
  const vx = { connection: conn(0), name: "vxlan9", vni: 9, local: lab!.vms[0].lanIp, device: "eth0", peers: [lab!.vms[1].lanIp] };
  const refused = async (p: DynamicProvider, inputs: Record<string, unknown>, property: string) => {
    const { failures } = await p.check({}, inputs);
    t.true(failures.some((f) => f.property === property), `${property}: ${JSON.stringify(failures)}`);
  };
  await refused(vxlanProvider, { ...vx, vni: 0 }, "vni");
  await refused(vxlanProvider, { ...vx, vni: 16777216 }, "vni");
  await refused(vxlanProvider, { ...vx, port: 0 }, "port");
  await refused(vxlanProvider, { ...vx, peers: [lab!.vms[0].lanIp] }, "peers");
  await refused(iptablesRuleProvider, { connection: conn(0), chain: "FORWARD", jump: "ACCEPT", protocol: "tcp", destinationPort: 65536, comment: "x" }, "destinationPort");
  t.deepEqual(await sshdLogMarks(lab!), logs, "no SSH connection reached any VM's sshd");
});

test.serial("1. the README program, two hosts across the router: full ping matrix, 1400-byte and full-MTU don't-fragment pings", async (t) => {
  await setHosts(2);
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi up (2 hosts)")) return;
  for (const vm of lab!.vms.slice(0, 2)) {
    const mtus = JSON.parse((await vmExec(vm, ["ip", "-json", "-n", "NS1", "link", "show"])).stdout) as Array<{ ifname: string; mtu: number }>;
    t.is(mtus.find((l) => l.ifname !== "lo")?.mtu, 1450, `${vm.name}: the namespace's interface leaves room for the 50-byte VXLAN header`);
  }
  assertPings(t, await pingMatrix(lab!, readmeNet(2)), "2 nodes");
  assertPings(t, await pingMatrix(lab!, readmeNet(2), 1400), "2 nodes, ping -M do -s 1400");
  assertPings(t, await pingMatrix(lab!, readmeNet(2), FULL), `2 nodes, ping -M do -s ${FULL} (a full 1450-byte packet)`);
  completed = 1;
});

test.serial("2. a third host: creates for it, in-place flood-entry updates for the others; 3-node matrix; refresh shows no drift", async (t) => {
  if (completed < 1) return t.fail("step 1 did not complete");
  await setHosts(3);
  const pv = await stack!.run(["preview", "--diff"]);
  if (!ok(t, pv, "pulumi preview --diff (add node3)")) return;
  const ch = changesOf(pv.stdout);
  t.log(JSON.stringify(ch));
  t.deepEqual(Object.keys(ch).sort(), ["create", "update"], "creates and in-place updates only: nothing replaced or deleted");
  t.true(ch.create.every((s) => / net-node3(-|$)/.test(s)), `every create is node3's: ${ch.create.join(", ")}`);
  t.deepEqual(ch.update, ["Vxlan net-node1-vxlan", "Vxlan net-node2-vxlan"], "the old nodes: their flood entries, in place");
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi up (3 hosts)")) return;
  const fdb = (await vmExec(lab!.vms[0], ["bridge", "fdb", "show", "dev", "vxlan42"])).stdout;
  t.true(fdb.includes(`dst ${lab!.vms[2].lanIp}`) && fdb.includes(`dst ${lab!.vms[1].lanIp}`), fdb);
  assertPings(t, await pingMatrix(lab!, readmeNet(3)), "3 nodes");
  assertPings(t, await pingMatrix(lab!, readmeNet(3), 1400), "3 nodes, ping -M do -s 1400");
  assertPings(t, await pingMatrix(lab!, readmeNet(3), FULL), `3 nodes, ping -M do -s ${FULL}`);
  // The README's MTU cause: a namespace left at 1500 on the overlay sends packets the 1450 overlay
  // drops without a word: full-size pings fail while small ones pass. Undone, the full size passes.
  const [vm1] = lab!.vms;
  const nsLink = (JSON.parse((await vmExec(vm1, ["ip", "-json", "-n", "NS1", "link", "show"])).stdout) as Array<{ ifname: string }>).find((l) => l.ifname !== "lo")!.ifname;
  await vmExec(vm1, ["ip", "-n", "NS1", "link", "set", "dev", nsLink, "mtu", "1500"]);
  try {
    t.true(await pingFrom(vm1, "NS1", "172.16.0.21", 1400), "MTU 1500 in NS1: a 1400-byte ping still passes");
    t.false(await pingFrom(vm1, "NS1", "172.16.0.21", 1472), "MTU 1500 in NS1: a 1500-byte packet is lost on the overlay");
  } finally {
    await vmExec(vm1, ["ip", "-n", "NS1", "link", "set", "dev", nsLink, "mtu", "1450"]);
  }
  t.true(await pingFrom(vm1, "NS1", "172.16.0.21", FULL), "back at 1450: the full-size ping passes");
  if (!ok(t, await stack!.run(["refresh", "--yes", "--skip-preview"]), "pulumi refresh")) return;
  if (!ok(t, await stack!.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes")) return;
});

test.serial("3. destroy leaves every host as it was (links, addresses, routes, all iptables tables, FDB, sysctls)", async (t) => {
  if (!ok(t, await stack!.run(["destroy", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi destroy")) return;
  const after = await snapshots(lab!.vms);
  after.forEach((s, k) => t.deepEqual(s, before[k], lab!.vms[k].name));
});
