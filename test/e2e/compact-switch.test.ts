import test, { type ExecutionContext } from "ava";
import { labDown, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { recordPath } from "../../provider/state/record";
import { engineBinDir, ok, type TestStack } from "../helpers/pulumi";
import { assertPings, changesOf, clusterStack, pingMatrix, setCluster } from "../helpers/cluster";
import { snapshots, type HostSnapshot } from "../helpers/snapshot";
import type { ClusterTestConfig } from "./cluster/config";

/**
 * A stack built with NodeNetwork's expanded form (compact: false: NetNamespace + VethPair + Route
 * per namespace, the default before compact), then with compact unset (the default now: one
 * BridgedNamespace per namespace, what an upgraded stack gets) and back, through the real engine: the preview shows the resources
 * changing form, the up takes the kernel objects over in place (the same namespaces and veth
 * devices, not recreated), the old resources' deletes leave them alone, and destroy restores the hosts.
 * Own lab "cs" (index 94, 10.250.94.0/24).
 */
const LAB = "cs";
const INDEX = 94;
let lab: Lab | undefined;
let stack: TestStack | undefined;
let before: HostSnapshot[] = [];
let identities: string[] = [];
let completed = 0;

const NAMESPACES = ["NS1", "NS2"];
const node = (k: number) => ({
  name: `n${k + 1}`, vm: k + 1, subnet: `172.16.${k}.0/24`,
  namespaces: NAMESPACES.map((name, j) => ({ name, address: `172.16.${k}.${j + 2}` })),
});
/** compact unset: NodeNetwork's default (compact), what an upgraded stack gets. */
const config = (compact?: boolean): ClusterTestConfig => ({ lab: LAB, args: { mode: "routes", ...(compact === undefined ? {} : { compact }) }, nodes: [node(0), node(1)] });

/** Per VM and namespace: the namespace's inode and both veth ends' interface indexes (all change if recreated). */
async function identity(vm: LabVmInfo): Promise<string[]> {
  const out: string[] = [];
  for (const [j, ns] of NAMESPACES.entries()) {
    const inode = (await vmExec(vm, ["stat", "-L", "-c", "%i", `/run/netns/${ns}`])).stdout.trim();
    const host = (await vmExec(vm, ["ip", "-o", "link", "show", "dev", `veth${j + 1}0`])).stdout.split(":")[0];
    const inNs = (await vmExec(vm, ["ip", "-n", ns, "-o", "link", "show", "dev", `veth${j + 1}1`])).stdout.split(":")[0];
    out.push(`${vm.name}/${ns}: netns inode ${inode}, host veth #${host}, namespace veth #${inNs}`);
  }
  return out;
}

/** The owner record of NS1's default route (as a Route keeps it), its first line: the owner's mark. */
async function routeRecord(vm: LabVmInfo): Promise<string> {
  return (await vmExec(vm, ["head", "-n", "1", recordPath("route", "NS1", 254, 4, "default", 0)])).stdout.trim();
}

test.before(async () => {
  await labDown(LAB).catch(() => undefined);
  lab = await labUp({ name: LAB, index: INDEX, nodes: 2 });
  before = await snapshots(lab.vms);
  stack = await clusterStack(`compact-switch-${process.pid}`, await engineBinDir());
});

test.after.always(async (t) => {
  if (stack) await stack.removeLogged(t);
  await labDown(LAB);
});

test.serial("1. the expanded form (compact: false): up, full ping matrix", async (t) => {
  await setCluster(stack!, config(false));
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi up (expanded)")) return;
  assertPings(t, await pingMatrix(lab!, config(false)), "expanded");
  identities = (await Promise.all(lab!.vms.map(identity))).flat();
  completed = 1;
});

/** Per namespace, what each form registers: one BridgedNamespace, or a NetNamespace, a VethPair and a default Route. */
function forms(): { compact: string[]; expanded: string[] } {
  const names = ["n1", "n2"].flatMap((n) => NAMESPACES.map((ns) => `c-${n}-${ns}`)).sort();
  return {
    compact: names.map((b) => `BridgedNamespace ${b}`),
    expanded: [...names.map((b) => `NetNamespace ${b}`), ...names.map((b) => `Route ${b}-default`), ...names.map((b) => `VethPair ${b}-veth`)].sort(),
  };
}

/**
 * Switch form: the preview shows exactly the new form's resources created and the old one's deleted;
 * up then leaves the same namespaces and veths (nothing recreated), and every ping answers.
 */
async function switchForm(t: ExecutionContext, compact: boolean | undefined): Promise<boolean> {
  const what = `compact: ${compact ?? "the default"}`;
  await setCluster(stack!, config(compact));
  const pv = await stack!.run(["preview", "--diff"]);
  if (!ok(t, pv, `pulumi preview --diff (${what})`)) return false;
  const f = forms();
  t.deepEqual(changesOf(pv.stdout), compact ?? true ? { create: f.compact, delete: f.expanded } : { create: f.expanded, delete: f.compact });
  if (!ok(t, await stack!.run(["up", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), `pulumi up (${what})`)) return false;
  t.deepEqual((await Promise.all(lab!.vms.map(identity))).flat(), identities, "nothing was recreated");
  assertPings(t, await pingMatrix(lab!, config(compact)), what);
  return true;
}

test.serial("2. compact left unset (the default now, as on upgrade): each namespace's three resources give way to one BridgedNamespace, which takes the objects over in place", async (t) => {
  if (completed < 1) return t.fail("step 1 did not complete");
  if (!(await switchForm(t, undefined))) return;
  const state = await stack!.exportState();
  const kinds = state.resources.map((r) => r.type.split(":").pop());
  t.false(kinds.some((k) => k === "NetNamespace" || k === "VethPair"), "no expanded resources left in the state");
  const bridged = state.resources.filter((r) => r.type.endsWith(":BridgedNamespace"));
  t.is(bridged.length, 4);
  for (const r of bridged) t.regex(String(r.outputs?.takeover), /took over .* in place from .*\/NetNamespace\/c-n\d-NS\d/, r.urn);
  for (const vm of lab!.vms) {
    const alias = (await vmExec(vm, ["ip", "-o", "link", "show", "dev", "veth10"])).stdout;
    t.regex(alias, /alias pulumi-netns:[^ ]*\/BridgedNamespace\/c-n\d-NS1/, `${vm.name}: veth10 is the BridgedNamespace's`);
    t.regex(await routeRecord(vm), /\/BridgedNamespace\/c-n\d-NS1$/, `${vm.name}: the default route's record is the BridgedNamespace's`);
  }
  if (!ok(t, await stack!.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes (compact)")) return;
  completed = 2;
});

test.serial("3. and back to compact: false: the expanded resources take the objects over in place again", async (t) => {
  if (completed < 2) return t.fail("step 2 did not complete");
  if (!(await switchForm(t, false))) return;
  for (const vm of lab!.vms) {
    t.regex(await routeRecord(vm), /\/Route\/c-n\d-NS1-default$/, `${vm.name}: the default route's record is the Route's again`);
  }
  completed = 3;
});

test.serial("4. refresh reads the truth, no drift; destroy leaves every host as it was", async (t) => {
  if (completed < 3) return t.fail("step 3 did not complete");
  if (!ok(t, await stack!.run(["refresh", "--yes", "--skip-preview"]), "pulumi refresh")) return;
  if (!ok(t, await stack!.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes")) return;
  if (!ok(t, await stack!.run(["destroy", "--yes", "--skip-preview"], { timeoutMs: 10 * 60_000 }), "pulumi destroy")) return;
  const after = await snapshots(lab!.vms);
  after.forEach((s, k) => t.deepEqual(s, before[k], lab!.vms[k].name));
});
