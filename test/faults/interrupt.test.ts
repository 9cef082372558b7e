import test, { type ExecutionContext } from "ava";
import { labDown, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { pool } from "../../provider/ssh/pool";
import { engineBinDir, ok, tail } from "../helpers/pulumi";
import { FaultStack, kill9, reap } from "../helpers/faultstack";
import { pingFrom, snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * Interrupted runs through the real engine, on lab o11b (index 71, 2 VMs), a stack of 2 hosts ×
 * N namespaces (N = 25, PULUMI_NETNS_INTERRUPT_NAMESPACES to change). The run is killed during
 * creates, during an in-place update and during a destroy, two ways: kill -9 of the `pulumi` CLI
 * alone (its dynamic-provider process lives on and finishes the creates it started, which the
 * engine never records) and kill -9 of the whole process tree. After each, the same command run
 * again after `pulumi cancel` (which removes the dead run's lock: README "Interrupted runs"),
 * `pulumi up` / `pulumi destroy` and nothing else, must converge with no manual step on any host,
 * and the final destroy leaves both hosts as before (snapshot compare).
 */
const N = Number(process.env.PULUMI_NETNS_INTERRUPT_NAMESPACES ?? 25);
const LAB = { name: "o11b", index: 71, nodes: 2 };
let theLab: Lab | undefined;
const vms = () => theLab!.vms;
let stack: FaultStack | undefined;
let clean: HostSnapshot[] = [];
const st = () => stack!;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const netnsCount = async (vm: LabVmInfo) => (JSON.parse((await vmExec(vm, ["ip", "-json", "netns", "list"])).stdout || "[]") as unknown[]).length;
const total = async () => (await Promise.all(vms().map(netnsCount))).reduce((a, b) => a + b, 0);

/** Wait until `cond` holds (polling), or fail after `ms`. */
async function until(t: ExecutionContext, what: string, cond: () => Promise<boolean>, ms = 5 * 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(150);
  }
  t.fail(`timed out waiting for ${what}`);
}

/** Empty state sidecars a kill left (see FaultStack.repairSidecars), removed as the README says. */
const sidecarRepairs: string[] = [];

/** After a kill: wait until the hosts stop changing (an orphaned provider finishing its work), then reap what is left. */
async function settle(tree: number[]): Promise<void> {
  let last = -1;
  let stableSince = Date.now();
  for (const end = Date.now() + 60_000; Date.now() < end; await sleep(500)) {
    const now = await total();
    if (now !== last) [last, stableSince] = [now, Date.now()];
    else if (Date.now() - stableSince > 4_000) break;
  }
  reap(tree);
  const repaired = await st().repairSidecars();
  if (repaired.length > 0) sidecarRepairs.push(...repaired);
  // The file backend keeps the killed run's lock: `pulumi cancel` removes it (README "Interrupted runs").
  const cancel = await st().run(["cancel", "--yes"]);
  if (cancel.code !== 0) throw new Error(`pulumi cancel failed:\n${tail(cancel.stdout + cancel.stderr)}`);
}

/** Every namespace of the stack on every host, with its address, and NS1 of host 1 reaches NS1 of host 2. */
async function converged(t: ExecutionContext, offset: number): Promise<void> {
  for (const [k, vm] of vms().entries()) {
    t.is(await netnsCount(vm), N, `host ${k + 1} has all ${N} namespaces`);
    const addr = JSON.parse((await vmExec(vm, ["ip", "-n", `NS${N}`, "-json", "addr", "show", "dev", `v${N}n`])).stdout)[0];
    t.is(addr.addr_info.find((a: { family: string }) => a.family === "inet")?.local, `172.16.${k}.${offset + N - 1}`);
  }
  t.true(await pingFrom(vms()[0], "NS1", `172.16.1.${offset}`), "NS1 on host 1 reaches NS1 on host 2");
  ok(t, await st().run(["preview", "--expect-no-changes"]), "preview --expect-no-changes");
}

test.before(async () => {
  await labDown(LAB.name).catch(() => undefined); // a previous crashed run
  theLab = await labUp(LAB);
  clean = await snapshots(vms());
  stack = await FaultStack.create(`intr-${process.pid}`, await engineBinDir(), { lab: LAB.name, hosts: "2", namespaces: String(N) });
});

test.after.always(async () => {
  console.log(`state sidecars left empty by the kills and removed: ${sidecarRepairs.length ? sidecarRepairs.join(", ") : "none"}`);
  await stack?.remove();
  await pool.closeAll();
  await labDown(LAB.name);
});

test.serial("kill -9 of the CLI alone during creates: `pulumi up` again takes over what the orphaned provider made", async (t) => {
  const child = st().start(["up", "--yes"]);
  await until(t, "a third of the namespaces", async () => (await total()) >= (2 * N) / 3);
  await settle(kill9(child, false));
  const state = await st().exportState();
  t.log(`at the kill: ${await total()} namespaces on the hosts, ${state.resources.length} resources in state, ${state.pending.length} pending operations`);
  const up = await st().run(["up", "--yes"]);
  ok(t, up, "up after the kill");
  t.log([...new Set(up.stdout.match(/warning:.*pending.*$/gim) ?? [])].join("\n") || "(no pending-operation warning)");
  const tookOver = (await st().exportState()).resources.filter((r) => typeof r.outputs?.takeover === "string");
  t.log(`${tookOver.length} resources took over objects the orphaned provider had made: ${tookOver.map((r) => r.urn.split("::").pop()).join(", ")}`);
  if (state.pending.length > 0) t.true(tookOver.length > 0, "the creates the engine never recorded were taken over, not refused");
  await converged(t, 2);
});

// Each update moves every namespace to new addresses (.offset + j on host 1); the last offset is kept for the tests after.
for (const [tree, offset] of [[false, 60], [true, 100]] as const) {
  test.serial(`kill -9 of ${tree ? "the whole tree" : "the CLI alone"} during an in-place update: \`pulumi up\` again finishes it`, async (t) => {
    ok(t, await st().run(["config", "set", "hostOffset", String(offset)]), "config set");
    const child = st().start(["up", "--yes"]);
    const moved = async () => {
      const out = (await vmExec(vms()[0], ["sh", "-c", "for n in $(ip netns list | cut -d' ' -f1); do ip -n $n -4 -o addr show; done"])).stdout;
      return [...out.matchAll(/172\.16\.0\.(\d+)\//g)].filter((m) => Number(m[1]) >= offset && Number(m[1]) < offset + N).length;
    };
    await until(t, "some addresses updated", async () => (await moved()) >= 3);
    await settle(kill9(child, tree));
    t.log(`at the kill: ${await moved()} namespaces on host 1 moved to the new addresses`);
    ok(t, await st().run(["up", "--yes"]), "up after the kill");
    await converged(t, offset);
  });
}

test.serial("kill -9 of the whole tree during creates: `pulumi up` again converges (the cut scripts undid their half-made objects)", async (t) => {
  ok(t, await st().run(["destroy", "--yes"]), "destroy before");
  t.deepEqual(await snapshots(vms()), clean);
  const child = st().start(["up", "--yes"]);
  await until(t, "a third of the namespaces", async () => (await total()) >= (2 * N) / 3);
  await settle(kill9(child, true));
  ok(t, await st().run(["up", "--yes"]), "up after the kill");
  await converged(t, 100);
});

for (const tree of [false, true]) {
  test.serial(`kill -9 of ${tree ? "the whole tree" : "the CLI alone"} during a destroy: \`pulumi destroy\` again leaves both hosts as before`, async (t) => {
    if ((await total()) < 2 * N) ok(t, await st().run(["up", "--yes"]), "up before");
    const child = st().start(["destroy", "--yes"]);
    await until(t, "a third of the namespaces gone", async () => (await total()) <= (4 * N) / 3);
    await settle(kill9(child, tree));
    ok(t, await st().run(["destroy", "--yes"]), "destroy after the kill");
    t.deepEqual(await snapshots(vms()), clean, "both hosts as before the first up");
    for (const vm of vms()) t.is((await vmExec(vm, ["sh", "-c", "find /run/pulumi-netns -type f | wc -l"])).stdout.trim(), "0", "no ownership record left");
    t.deepEqual((await st().exportState()).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic")), []);
  });
}
