import test from "ava";
import * as path from "node:path";
import { labDown, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { pool } from "../../provider/ssh/pool";
import { engineBinDir, ok, REPO_ROOT } from "../helpers/pulumi";
import { FaultStack } from "../helpers/faultstack";
import { pingFrom, snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * Bring a hand-built network under Pulumi, on lab o11c (index 72, 2 VMs): the two-node tutorial's
 * commands (seed 000) run by hand on both VMs, then a program declaring the same network with
 * `adopt: true` (test/adopt/stack). `up` changes nothing on the hosts but the ownership marks,
 * `preview --expect-no-changes` passes, and `destroy` leaves both hosts as before the hand-run.
 */
const LAB = { name: "o11c", index: 72, nodes: 2 };
let theLab: Lab | undefined;
let stack: FaultStack | undefined;
const vms = () => theLab!.vms;

/** The tutorial's commands for node k, verbatim but for `sudo` and the variables filled in. */
function handRun(k: number, other: LabVmInfo): string {
  const [me, to] = [k, 1 - k];
  return [
    "set -e",
    "ip netns add NS1", "ip netns add NS2",
    "ip link add veth10 type veth peer name veth11", "ip link add veth20 type veth peer name veth21",
    "ip link set veth11 netns NS1", "ip link set veth21 netns NS2",
    `ip netns exec NS1 ip addr add 172.16.${me}.2/24 dev veth11`, `ip netns exec NS2 ip addr add 172.16.${me}.3/24 dev veth21`,
    "ip netns exec NS1 ip link set dev veth11 up", "ip netns exec NS2 ip link set dev veth21 up",
    "ip link add br0 type bridge", `ip addr add 172.16.${me}.1/24 dev br0`, "ip link set dev br0 up",
    "ip link set dev veth10 master br0", "ip link set dev veth20 master br0",
    "ip link set dev veth10 up", "ip link set dev veth20 up",
    `ip netns exec NS1 ip route add default via 172.16.${me}.1 dev veth11`, `ip netns exec NS2 ip route add default via 172.16.${me}.1 dev veth21`,
    `ip route add 172.16.${to}.0/24 via ${other.lanIp} dev eth0`,
    `iptables -t nat -A POSTROUTING -s 172.16.${me}.0/24 -o eth0 -j MASQUERADE`,
    "sysctl -w net.ipv4.ip_forward=1",
  ].join("\n");
}

/** A snapshot without the ownership marks: link aliases, route protocols, iptables comments. */
function unmarked(s: HostSnapshot): HostSnapshot {
  const perNamespace = Object.fromEntries(Object.entries(s.perNamespace).map(([ns, v]) => [ns, {
    links: v.links.map((l) => l.replace(/ alias=\S+/, " alias=?")),
    addrs: v.addrs,
    routes: v.routes.map((r) => r.replace(/ proto=\S+/, " proto=?")),
  }]));
  // Records (routes', sysctls' owners) are marks too.
  return { ...s, perNamespace, iptables: s.iptables.map((l) => l.replace(/ -m comment --comment ("[^"]*"|\S+)/, "")), records: [] };
}

const records = async (vm: LabVmInfo) => (await vmExec(vm, ["find", "/run/pulumi-netns", "-type", "f"])).stdout.trim().split("\n").filter(Boolean);

test.before(async () => {
  await labDown(LAB.name).catch(() => undefined);
  theLab = await labUp(LAB);
});

test.after.always(async () => {
  await stack?.remove();
  await pool.closeAll();
  await labDown(LAB.name);
});

test.serial("a hand-built tutorial network: adopt marks it and nothing else; no changes after; destroy restores the hosts as before the hand-run", async (t) => {
  const before = await snapshots(vms());
  for (const [k, vm] of vms().entries()) await vmExec(vm, ["sh", "-c", handRun(k, vms()[1 - k])]);
  const handBuilt = await snapshots(vms());
  t.true(await pingFrom(vms()[0], "NS1", "172.16.1.2"), "the hand-built network works");

  stack = await FaultStack.create(`adopt-${process.pid}`, await engineBinDir(), { lab: LAB.name }, path.join(REPO_ROOT, "test", "adopt", "stack"));
  const up = await stack.run(["up", "--yes"]);
  ok(t, up, "up with adopt");
  const adopted = await snapshots(vms());
  t.deepEqual(adopted.map(unmarked), handBuilt.map(unmarked), "up changed nothing but the marks");
  t.notDeepEqual(adopted, handBuilt, "the marks are there");
  const br0 = adopted[0].perNamespace[""].links.find((l) => l.startsWith("br0 "));
  t.regex(br0 ?? "", /alias=pulumi-netns:pulumi-netns-adopt\/adopt-\d+\/Bridge\/node1-br0/);
  t.true(adopted[0].iptables.some((l) => l.includes("--comment") && l.includes("pulumi-netns:")), "the NAT rule carries its comment");
  t.is((await records(vms()[0])).length, 4, "records for the 3 routes and the sysctl");
  t.true(await pingFrom(vms()[0], "NS1", "172.16.1.2"), "still works");

  ok(t, await stack.run(["preview", "--expect-no-changes"]), "preview --expect-no-changes");
  ok(t, await stack.run(["destroy", "--yes"]), "destroy");
  t.deepEqual(await snapshots(vms()), before, "both hosts as before the hand-run");
  for (const vm of vms()) t.deepEqual(await records(vm), []);
});
