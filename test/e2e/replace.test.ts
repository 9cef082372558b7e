import test, { type ExecutionContext } from "ava";
import { labDown, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { engineBinDir, ok, type TestStack } from "../helpers/pulumi";
import { clusterStack, setCluster } from "../helpers/cluster";
import { pingFrom, snapshot, type HostSnapshot } from "../helpers/snapshot";
import { testLab } from "../helpers/lab";
import type { ClusterTestConfig } from "./cluster/config";

/**
 * Forced replacements through the real engine (`up --replace URN`) of objects whose kernel name
 * stays the same: the engine asks no provider diff for them, so only the SDK's default
 * deleteBeforeReplace keeps the create from taking over the old object that the old instance's
 * delete then removes, and only replaceWith brings back what the kernel took away with the
 * namespace (its veth end, its default route) or with the bridge (the veth's and the VXLAN
 * device's ports). One node, one namespace (a one-node Cluster: its NodeNetwork and nothing else,
 * expanded with `compact: false` so that the namespace, veth pair and route are resources of their
 * own; then in vxlan mode with the default compact namespaces). Own lab "rp" (index 92,
 * 10.250.92.0/24); after.always destroys the stack and downs the lab. Steps build on each other.
 */
const { name: LAB, index: INDEX } = testLab("rp", 92);
const config: ClusterTestConfig = {
  lab: LAB, args: { mode: "routes", compact: false },
  nodes: [{ name: "n1", vm: 1, subnet: "172.16.0.0/24", namespaces: [{ name: "NS1", address: "172.16.0.2" }] }],
};
const GATEWAY = "172.16.0.1";
let lab: Lab | undefined;
let stack: TestStack | undefined;
let before: HostSnapshot | undefined;
let completed = 0;

test.before(async () => {
  await labDown(LAB).catch(() => undefined); // a previous crashed run
  lab = await labUp({ name: LAB, index: INDEX, nodes: 1 });
  before = await snapshot(lab.vms[0]);
  stack = await clusterStack(`replace-${process.pid}`, await engineBinDir());
  await setCluster(stack, config);
});

test.after.always(async () => {
  if (stack) for (const p of await stack.remove()) console.error(`replace cleanup: ${p}`);
  await labDown(LAB);
});

const ipj = async <T>(vm: LabVmInfo, ...args: string[]): Promise<T> => JSON.parse((await vmExec(vm, ["ip", "-json", ...args])).stdout || "[]") as T;

/** The namespace, both veth ends (host end up on br0, namespace end with its address), the default route and a ping to the bridge. */
async function assertNetwork(t: ExecutionContext, what: string): Promise<void> {
  const vm = lab!.vms[0];
  t.deepEqual((await ipj<Array<{ name: string }>>(vm, "netns", "list")).map((n) => n.name), ["NS1"], `${what}: namespaces`);
  const [host] = await ipj<Array<{ master?: string; operstate: string }>>(vm, "link", "show", "dev", "veth10").catch(() => []);
  t.is(host?.master, "br0", `${what}: veth10 on br0`);
  const [bridge] = await ipj<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>(vm, "addr", "show", "dev", "br0").catch(() => []);
  t.deepEqual(bridge?.addr_info.filter((a) => a.local.includes(".")).map((a) => `${a.local}/${a.prefixlen}`), [`${GATEWAY}/24`], `${what}: br0's address`);
  const [peer] = await ipj<Array<{ operstate: string; addr_info: Array<{ local: string; prefixlen: number }> }>>(vm, "-n", "NS1", "addr", "show", "dev", "veth11").catch(() => []);
  t.deepEqual(peer?.addr_info.filter((a) => a.local.includes(".")).map((a) => `${a.local}/${a.prefixlen}`), ["172.16.0.2/24"], `${what}: veth11 in NS1`);
  const routes = await ipj<Array<{ gateway?: string; dev?: string }>>(vm, "-n", "NS1", "route", "show", "default").catch(() => []);
  t.deepEqual(routes.map((r) => `${r.gateway} ${r.dev}`), [`${GATEWAY} veth11`], `${what}: NS1's default route`);
  t.true(await pingFrom(vm, "NS1", GATEWAY), `${what}: NS1 -> ${GATEWAY} answers`);
}

/** The URN of the stack's resource named NAME (from `stack export`). */
async function urnOf(t: ExecutionContext, name: string): Promise<string | undefined> {
  const urns = (await stack!.exportState()).resources.map((r) => r.urn);
  return urns.find((u) => u.endsWith(`::${name}`)) ?? (t.fail(`no resource ${name} in ${urns.join("\n")}`), undefined);
}

/** `up --replace` of resource NAME: it and what lives in it (REPLACED resources in all) are replaced, the host is whole, refresh finds no drift. */
async function replaceAndCheck(t: ExecutionContext, name: string, replaced: number): Promise<boolean> {
  const urn = await urnOf(t, name);
  if (!urn) return false;
  const up = await stack!.run(["up", "--yes", "--skip-preview", "--replace", urn]);
  if (!ok(t, up, `pulumi up --replace ${name}`)) return false;
  t.regex(up.stdout, new RegExp(`\\+-${replaced} replaced`), up.stdout);
  await assertNetwork(t, `after --replace ${name}`);
  const pv = await stack!.run(["refresh", "--preview-only"]);
  if (!ok(t, pv, "pulumi refresh --preview-only")) return false;
  t.notRegex(pv.stdout, /to (delete|update|create)/, `refresh finds the host as state says:\n${pv.stdout}`);
  if (!ok(t, await stack!.run(["refresh", "--yes", "--skip-preview"]), "pulumi refresh")) return false;
  return ok(t, await stack!.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes");
}

test.serial("1. up: one namespace on the bridge, its veth pair and default route; it pings the bridge", async (t) => {
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"]), "pulumi up")) return;
  await assertNetwork(t, "after up");
  completed = 1;
});

test.serial("2. up --replace of the NetNamespace: it, its veth pair and its default route are made again", async (t) => {
  if (completed < 1) return t.fail("step 1 did not complete");
  if (await replaceAndCheck(t, "c-n1-NS1", 3)) completed = 2;
});

test.serial("3. up --replace of the Bridge: the veth pair (a port of the old bridge) and its route are made again on the new one", async (t) => {
  if (completed < 2) return t.fail("step 2 did not complete");
  if (await replaceAndCheck(t, "c-n1-bridge", 3)) completed = 3;
});

test.serial("4. destroy leaves the host as it was", async (t) => {
  if (!ok(t, await stack!.run(["destroy", "--yes", "--skip-preview"]), "pulumi destroy")) return;
  t.deepEqual(await snapshot(lab!.vms[0]), before);
  completed = 4;
});

test.serial("5. vxlan mode, compact: up --replace of the Bridge puts the VXLAN device and the BridgedNamespace's veth on the new one; destroy restores the host", async (t) => {
  if (completed < 4) return t.fail("step 4 did not complete");
  await setCluster(stack!, { ...config, args: { mode: "vxlan", subnet: "172.16.0.0/24" } }); // compact, the default
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"]), "pulumi up (vxlan, compact)")) return;
  await assertNetwork(t, "after up (vxlan, compact)");
  if (await replaceAndCheck(t, "c-n1-bridge", 3)) {
    const [vxlan] = await ipj<Array<{ master?: string }>>(lab!.vms[0], "link", "show", "dev", "vxlan42").catch(() => []);
    t.is(vxlan?.master, "br0", "vxlan42 on the new br0");
  }
  if (!ok(t, await stack!.run(["destroy", "--yes", "--skip-preview"]), "pulumi destroy (vxlan, compact)")) return;
  t.deepEqual(await snapshot(lab!.vms[0]), before);
});
