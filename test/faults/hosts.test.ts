import test from "ava";
import { labDown, labStatus, labUp, vmAdd, vmExec, type Lab } from "../../provider/lab";
import { pool } from "../../provider/ssh/pool";
import { engineBinDir, ok } from "../helpers/pulumi";
import { FaultStack } from "../helpers/faultstack";
import { pingFrom, snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * Two stacks on one host, and a rebooted host, through the real engine on lab o11d (index 73,
 * 2 VMs) with the faults program (test/faults/stack, 2 hosts × 3 namespaces):
 * - disjoint names coexist: up, refresh and destroy of one never touch the other's objects;
 *   the same kernel names in a third stack are refused, naming the first stack's owner;
 * - a VM restarted with the same host key and nothing else: `refresh` drops all of its
 *   resources, `up` recreates them, pings pass.
 */
const LAB = { name: "o11d", index: 73, nodes: 2 };
let theLab: Lab | undefined;
let clean: HostSnapshot[] = [];
const stacks: FaultStack[] = [];
const vms = () => theLab!.vms;

async function newStack(tag: string, config: Record<string, string>): Promise<FaultStack> {
  const s = await FaultStack.create(`${tag}-${process.pid}`, await engineBinDir(), { lab: LAB.name, hosts: "2", namespaces: "3", ...config });
  stacks.push(s);
  return s;
}

/** The dynamic resources in a stack's state, by URN. */
const inState = async (s: FaultStack) => (await s.exportState()).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")).map((r) => r.urn);

test.before(async () => {
  await labDown(LAB.name).catch(() => undefined);
  theLab = await labUp(LAB);
  clean = await snapshots(vms());
});

test.after.always(async () => {
  for (const s of stacks.reverse()) await s.remove();
  await pool.closeAll();
  await labDown(LAB.name);
});

test.serial("two stacks on the same hosts: disjoint names coexist; the same names are refused naming the first owner", async (t) => {
  const a = await newStack("a", { prefix: "a", subnetBase: "16" });
  const b = await newStack("b", { prefix: "b", subnetBase: "17", ipForward: "false" });
  ok(t, await a.run(["up", "--yes"]), "up a");
  const aOnly = await snapshots(vms());
  ok(t, await b.run(["up", "--yes"]), "up b");
  ok(t, await a.run(["refresh", "--yes", "--expect-no-changes"]), "refresh a with b up");
  ok(t, await a.run(["preview", "--expect-no-changes"]), "preview a with b up");
  ok(t, await b.run(["refresh", "--yes", "--expect-no-changes"]), "refresh b");
  t.true(await pingFrom(vms()[0], "aNS1", "172.16.1.2"), "a: aNS1@1 reaches aNS1@2");
  t.true(await pingFrom(vms()[0], "bNS1", "172.17.1.2"), "b: bNS1@1 reaches bNS1@2");

  const c = await newStack("c", { prefix: "a", subnetBase: "18", ipForward: "false" });
  const refused = await c.run(["up", "--yes"]);
  t.not(refused.code, 0, "the same kernel names in a third stack are refused");
  t.regex(refused.stdout + refused.stderr, new RegExp(`already exists and belongs to pulumi-netns-faults/${a.name}/`));
  ok(t, await c.run(["destroy", "--yes"]), "destroy c (what it made under its own names)");

  ok(t, await b.run(["destroy", "--yes"]), "destroy b");
  t.deepEqual(await snapshots(vms()), aOnly, "b's destroy (and c's) left a's objects exactly as they were");
  ok(t, await a.run(["preview", "--expect-no-changes"]), "a unchanged");
  ok(t, await a.run(["destroy", "--yes"]), "destroy a");
  t.deepEqual(await snapshots(vms()), clean);
});

test.serial("a rebooted host: refresh reports its objects gone, up recreates them, pings pass", async (t) => {
  const s = await newStack("reboot", {});
  ok(t, await s.run(["up", "--yes"]), "up");
  const before = await inState(s);
  // Reboot VM 2: stop it (its sshd, hence its namespaces) and bring it back with the same host key and nothing else.
  const vm2 = vms()[1];
  const pid = (await labStatus(LAB.name)).vms.find((v) => v.info.vm === 2)?.pid;
  t.truthy(pid);
  process.kill(pid!, "SIGTERM");
  const back = await vmAdd({ name: LAB.name, index: LAB.index }, 2);
  t.is(back.hostKeyFingerprint, vm2.hostKeyFingerprint, "same host key");
  t.deepEqual((await vmExec(back, ["ip", "netns", "list"])).stdout.trim(), "", "nothing of ours survived the reboot");

  const refresh = await s.run(["refresh", "--yes"]);
  ok(t, refresh, "refresh");
  const after = await inState(s);
  const gone = before.filter((u) => !after.includes(u));
  t.true(gone.length > 0 && gone.every((u) => /::h2-/.test(u)), `refresh dropped exactly host 2's resources: ${gone.join(", ")}`);
  t.is(gone.length, 1 + 3 * 3 + 1 + 1 + 2 + 1, "bridge, 3 × (namespace, veth, default route), peer route, NAT, 2 forwarding rules, ip_forward");
  ok(t, await s.run(["up", "--yes"]), "up after the reboot");
  t.true(await pingFrom(vms()[0], "NS1", "172.16.1.2"), "NS1@1 reaches NS1@2 again");
  t.true(await pingFrom(back, "NS2", "172.16.0.3"), "NS2@2 reaches NS2@1");
  ok(t, await s.run(["preview", "--expect-no-changes"]), "no changes after");
  ok(t, await s.run(["destroy", "--yes"]), "destroy");
});
