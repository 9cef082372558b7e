import test from "ava";
import { labDown, labUp, vmExec, type Lab } from "../../provider/lab";
import { engineBinDir, ok, type TestStack } from "../helpers/pulumi";
import { assertPings, changesOf, clusterStack, pingMatrix, setCluster } from "../helpers/cluster";
import { pingFrom, snapshots } from "../helpers/snapshot";
import type { HostSnapshot } from "../helpers/snapshot";
import type { ClusterTestConfig } from "./cluster/config";

/**
 * The tutorial network and a three-node `routes` Cluster through the real engine, on HARDENED
 * hosts (FORWARD policy DROP, bridge-nf-call-iptables=1): the forwarding rules Cluster adds by
 * default are what make them work. Own lab c10a (index 50, 10.250.50.0/24). Steps build on each other.
 */
const LAB = "c10a";
const INDEX = 50;
let lab: Lab | undefined;
let stack: TestStack | undefined;
let before: HostSnapshot[] = [];
let completed = 0;

const node = (k: number) => ({
  name: `n${k + 1}`, vm: k + 1, subnet: `172.16.${k}.0/24`,
  namespaces: [{ name: "NS1", address: `172.16.${k}.2` }, { name: "NS2", address: `172.16.${k}.3` }],
});
const config = (n: number): ClusterTestConfig => ({ lab: LAB, args: { mode: "routes" }, nodes: Array.from({ length: n }, (_, k) => node(k)) });

test.before(async () => {
  await labDown(LAB).catch(() => undefined);
  lab = await labUp({ name: LAB, index: INDEX, nodes: 3, hardened: true });
  before = await snapshots(lab.vms);
  stack = await clusterStack(`routes-${process.pid}`, await engineBinDir());
});

test.after.always(async () => {
  if (stack) for (const p of await stack.remove()) console.error(`cluster-routes cleanup: ${p}`);
  await labDown(LAB);
});

test.serial("0. the hardened profile: FORWARD policy DROP and bridge-nf-call-iptables=1 in every VM", async (t) => {
  for (const vm of lab!.vms) {
    t.true((await vmExec(vm, ["iptables", "-w", "-S", "FORWARD"])).stdout.includes("-P FORWARD DROP"), vm.name);
    t.is((await vmExec(vm, ["sysctl", "-n", "net.bridge.bridge-nf-call-iptables"])).stdout.trim(), "1", vm.name);
  }
});

test.serial("1. the two-node tutorial network on hardened hosts: full ping matrix", async (t) => {
  await setCluster(stack!, config(2));
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi up (2 nodes)")) return;
  assertPings(t, await pingMatrix(lab!, config(2)), "2 nodes");
  completed = 1;
});

test.serial("2. a third node: preview shows creates for it and its peer routes, nothing replaced; then 3-node ping matrix", async (t) => {
  if (completed < 1) return t.fail("step 1 did not complete");
  await setCluster(stack!, config(3));
  const pv = await stack!.run(["preview", "--diff"]);
  if (!ok(t, pv, "pulumi preview --diff (add n3)")) return;
  const ch = changesOf(pv.stdout);
  t.log(JSON.stringify(ch));
  t.deepEqual(Object.keys(ch).sort(), ["create"], "only creates: nothing of n1/n2 is replaced, deleted or changed");
  const foreign = (ch.create ?? []).filter((s) => !/ c-n3(-|$)/.test(s));
  t.deepEqual(foreign, ["IptablesRule c-n1-nonat-n3", "IptablesRule c-n2-nonat-n3", "Route c-n1-peer-n3", "Route c-n2-peer-n3"], "on the old nodes only the new peer's route and no-NAT rule");
  t.true((ch.create ?? []).includes("IptablesRule c-n3-forward-out") && (ch.create ?? []).includes("Vxlan c-n3-vxlan") === false);
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi up (3 nodes)")) return;
  assertPings(t, await pingMatrix(lab!, config(3)), "3 nodes");
  // Between nodes the namespaces keep their addresses: RETURN for each peer subnet above MASQUERADE.
  const nat = (await vmExec(lab!.vms[0], ["iptables", "-w", "-t", "nat", "-S", "POSTROUTING"])).stdout.split("\n").filter((l) => l.startsWith("-A"));
  t.regex(nat[0] + nat[1], /-s 172\.16\.0\.0\/24 -d 172\.16\.[12]\.0\/24 .*-j RETURN.*-s 172\.16\.0\.0\/24 -d 172\.16\.[12]\.0\/24 .*-j RETURN/, nat.join("\n"));
  t.regex(nat.slice(2).join("\n"), /-s 172\.16\.0\.0\/24 -o eth0 .*-j MASQUERADE/);
  // Refresh reads every object back (IptablesRule from `iptables -S`): no drift.
  if (!ok(t, await stack!.run(["refresh", "--yes", "--skip-preview"]), "pulumi refresh")) return;
  if (!ok(t, await stack!.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes")) return;
  completed = 2;
});

test.serial("2b. the README's troubleshooting causes, each made by hand on node 2, cut n1/NS1 -> n2/NS1; undone, it answers again", async (t) => {
  if (completed < 2) return t.fail("step 2 did not complete");
  const [vm1, vm2] = lab!.vms;
  const reach = () => pingFrom(vm1, "NS1", "172.16.1.2");
  const causes: Array<[string, string[], string[]]> = [
    ["ip_forward off", ["sysctl", "-q", "-w", "net.ipv4.ip_forward=0"], ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]],
    ["a missing return route", ["ip", "route", "del", "172.16.0.0/24", "proto", "157"], ["ip", "route", "add", "172.16.0.0/24", "via", vm1.lanIp, "dev", "eth0", "proto", "157"]],
    ["a REJECT rule before ours in FORWARD", ["iptables", "-w", "-I", "FORWARD", "1", "-d", "172.16.1.2", "-j", "REJECT"], ["iptables", "-w", "-D", "FORWARD", "-d", "172.16.1.2", "-j", "REJECT"]],
  ];
  for (const [what, make, undo] of causes) {
    t.true(await reach(), `${what}: answers before`);
    await vmExec(vm2, make);
    try {
      t.false(await reach(), `${what}: the ping must fail`);
    } finally {
      await vmExec(vm2, undo);
    }
    t.true(await reach(), `${what}: answers again once undone`);
  }
});

test.serial("3. control: without the forwarding rules (allowForwarding: false) the hardened hosts drop the traffic", async (t) => {
  if (completed < 2) return t.fail("step 2 did not complete");
  const cfg = { ...config(3), args: { mode: "routes" as const, allowForwarding: false } };
  await setCluster(stack!, cfg);
  const pv = await stack!.run(["preview", "--diff"]);
  if (!ok(t, pv, "pulumi preview --diff (allowForwarding: false)")) return;
  const ch = changesOf(pv.stdout);
  t.deepEqual(ch, { delete: [1, 2, 3].flatMap((k) => [`IptablesRule c-n${k}-forward-in`, `IptablesRule c-n${k}-forward-out`]) }, "only the six rules go");
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"]), "pulumi up (allowForwarding: false)")) return;
  const m = await pingMatrix(lab!, cfg);
  t.log(`without the rules: ${m.total - m.failed.length}/${m.total} pings answered`);
  // Only a namespace's own node's LAN IP (INPUT, not FORWARD) stays reachable: 6 of 48.
  t.is(m.total - m.failed.length, 6, m.failed.join("\n"));
});

test.serial("4. destroy leaves every host as it was (links, addresses, routes, all iptables tables, FDB, sysctls)", async (t) => {
  if (!ok(t, await stack!.run(["destroy", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi destroy")) return;
  const after = await snapshots(lab!.vms);
  after.forEach((s, k) => t.deepEqual(s, before[k], lab!.vms[k].name));
});
