import test, { type ExecutionContext } from "ava";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { labDown, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { sshdLog, sshdLogMarks } from "../helpers/lab";
import { engineBinDir, REPO_ROOT, resourceSummary, tail, ok, TestStack } from "../helpers/pulumi";
import { pingFrom, snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * Parallel load through the real engine: the bench stack (test/bench/stack) with 2 hosts ×
 * 25 namespaces on one bridge each (161 resources, `compact: false`), brought up and destroyed repeatedly at
 * the engine's default parallelism and at `--parallel 32`, on this file's own lab "load"
 * (index 17, LAN 10.250.17.0/24). Each cycle: `up` succeeds; every namespace exists with its
 * address; a sample of namespaces reaches the other host's namespaces and its LAN IP; the
 * provider opened one SSH connection per host (counted host-side, from sshd's log); `destroy`
 * leaves both VMs exactly as before the first `up`. Figures go to dist/test/figures/load.json.
 *
 * No timing assertions (the machine is shared): times are recorded, not judged. Every cycle
 * registered runs and is judged: there is no time budget that turns a cycle into a pass.
 * PULUMI_NETNS_LOAD_CYCLES=<n> (default 4, at least 2) sets how many, alternating settings.
 */
const LAB = "load";
const LAB_INDEX = 17;
const HOSTS = 2;
const NAMESPACES = 25;
const STACK = `load-${process.pid}`;
const PROJECT_DIR = path.join(REPO_ROOT, "test", "bench", "stack");
/** How many cycles, alternating the settings (so at least one each); fixed when the file loads. */
const CYCLES = cycleCount(process.env.PULUMI_NETNS_LOAD_CYCLES);
const PLAN: Array<"default" | 32> = Array.from({ length: CYCLES }, (_, k) => (k % 2 === 0 ? "default" : 32));
const UP_TIMEOUT_MS = 10 * 60_000;
const SAMPLE = [1, 13, 25];
const FIGURES = path.resolve(__dirname, "..", "figures", "load.json");

/** What the bench program declares: per host bridge, 3 per namespace, peer routes, NAT, ip_forward, 2 FORWARD rules; plus components and the stack. */
const NETWORK_RESOURCES = HOSTS * (1 + 3 * NAMESPACES + (HOSTS - 1) + 2 + 2);
const RESOURCES_PER_UP = NETWORK_RESOURCES + HOSTS /* NodeNetwork */ + 1; /* pulumi:pulumi:Stack */

interface Cycle {
  parallel: "default" | number;
  upMs: number;
  destroyMs: number;
  handshakesPerHost: number[];
  /** Connections during destroy, for information. */
  destroyHandshakesPerHost: number[];
  created: number;
  deleted: number;
  ok: boolean;
}

// ---- Shared state. ----

let lab: Lab | undefined;
let stack: TestStack | undefined;
let before: HostSnapshot[] = [];
const cycles: Cycle[] = [];

const vms = (): LabVmInfo[] => {
  if (!lab) throw new Error("the lab is not up (see the before hook)");
  return lab.vms;
};
const st = (): TestStack => {
  if (!stack) throw new Error("the stack was not created (see the before hook)");
  return stack;
};



/** "Accepted publickey" lines (one per authenticated SSH connection) each VM's sshd logged since `marks`. */
async function handshakesSince(marks: number[]): Promise<number[]> {
  return Promise.all(
    vms().map(async (vm, k) => {
      const text = (await fs.readFile(sshdLog(lab!, vm))).subarray(marks[k]).toString("utf8");
      return text.split("\n").filter((l) => l.includes("Accepted publickey")).length;
    }),
  );
}

/** Namespace → its inet addresses (with prefix) on one VM; every namespace listed by `ip netns`. */
async function namespaceAddresses(vm: LabVmInfo): Promise<Record<string, string[]>> {
  const list = JSON.parse((await vmExec(vm, ["ip", "-json", "netns", "list"])).stdout || "[]") as Array<{ name: string }>;
  const out: Record<string, string[]> = {};
  for (const { name } of list) {
    const links = JSON.parse((await vmExec(vm, ["ip", "-n", name, "-json", "addr"])).stdout || "[]") as Array<{
      ifname: string;
      addr_info: Array<{ family: string; local: string; prefixlen: number }>;
    }>;
    out[name] = links.flatMap((l) => l.addr_info.filter((a) => a.family === "inet" && l.ifname !== "lo").map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`));
  }
  return out;
}

function expectedAddresses(host: number): Record<string, string[]> {
  return Object.fromEntries(Array.from({ length: NAMESPACES }, (_, j) => [`NS${j + 1}`, [`veth${j + 1}1 172.16.${host}.${j + 2}/24`]]));
}

async function writeFigures(): Promise<void> {
  await fs.mkdir(path.dirname(FIGURES), { recursive: true });
  const figures = {
    hosts: HOSTS,
    namespacesPerHost: NAMESPACES,
    resourcesPerUp: RESOURCES_PER_UP,
    defaultParallel: 8,
    cycles,
    planned: PLAN.length,
    date: new Date().toISOString(),
    test: "test/load/parallel.test.ts",
  };
  await fs.writeFile(FIGURES, JSON.stringify(figures, null, 2) + "\n");
}

// ---- Setup and teardown. ----

test.before(async (t) => {
  await fs.access(path.join(REPO_ROOT, "dist", "test", "bench", "stack", "index.js")); // the project's `main`: build first
  await labDown(LAB).catch(() => undefined); // left over from a crashed run
  lab = await labUp({ name: LAB, index: LAB_INDEX, nodes: HOSTS });
  const binDir = await engineBinDir();
  stack = await TestStack.create(STACK, { projectDir: PROJECT_DIR, binDir, passphrase: `load-${process.pid}` });
  // compact false: the load is the expanded form, 3 resources per namespace (NETWORK_RESOURCES), not the default's one.
  for (const [k, v] of [["lab", LAB], ["labIndex", String(LAB_INDEX)], ["hosts", String(HOSTS)], ["namespaces", String(NAMESPACES)], ["compact", "false"]]) {
    const r = await st().run(["config", "set", k, v]);
    if (r.code !== 0) throw new Error(`pulumi config set ${k} failed: ${r.stderr}`);
  }
  before = await snapshots(vms());
  t.log(`stack ${STACK} in ${st().workDir}; lab ${LAB} VMs ${vms().map((v) => v.lanIp).join(", ")}`);
});

test.after.always(async (t) => {
  await stack?.removeLogged(t);
  await labDown(LAB);
  await writeFigures();
  if (stack) t.log(stack.historyText());
  t.log("cycles:\n" + cycles.map((c) => `  parallel ${c.parallel}: up ${(c.upMs / 1000).toFixed(1)} s, destroy ${(c.destroyMs / 1000).toFixed(1)} s, SSH connections per host ${c.handshakesPerHost.join("/")}`).join("\n"));
});

// ---- The cycles. ----

PLAN.forEach((parallel, k) => {
  test.serial(`cycle ${k + 1}: ${HOSTS} hosts × ${NAMESPACES} namespaces at parallel ${parallel}: up, check, destroy to the exact prior state`, async (t) => {
    // A cycle starts from the pristine hosts: a failed previous cycle must not be blamed on this one.
    const start = await snapshots(vms());
    if (!t.deepEqual(start, before, "the hosts are as before the first up")) return;

    const flag = parallel === "default" ? [] : ["--parallel", String(parallel)];
    const marks = await sshdLogMarks(lab!);
    const up = await st().run(["up", "--yes", ...flag], { timeoutMs: UP_TIMEOUT_MS });
    const handshakes = await handshakesSince(marks);
    const cycle: Cycle = { parallel, upMs: up.ms, destroyMs: 0, handshakesPerHost: handshakes, destroyHandshakesPerHost: [], created: resourceSummary(up.stdout).created ?? 0, deleted: 0, ok: false };
    cycles.push(cycle);
    try {
      if (!ok(t, up, `pulumi up ${flag.join(" ")}`)) return;
      t.is(cycle.created, RESOURCES_PER_UP, `Resources: ${RESOURCES_PER_UP} created`);

      // Every namespace, and nothing else, with its address on its veth end.
      for (const [h, vm] of vms().entries()) {
        t.deepEqual(await namespaceAddresses(vm), expectedAddresses(h), `${vm.name}: NS1..NS${NAMESPACES}, each with its address`);
      }

      const [vm1, vm2] = vms();
      const pings: Record<string, boolean> = {};
      for (const j of SAMPLE) {
        pings[`NS${j}@host1 → NS${j}@host2 (172.16.1.${j + 1})`] = await pingFrom(vm1, `NS${j}`, `172.16.1.${j + 1}`);
        pings[`NS${j}@host1 → host2's LAN IP (${vm2.lanIp})`] = await pingFrom(vm1, `NS${j}`, vm2.lanIp);
      }
      pings[`NS${NAMESPACES}@host2 → NS${NAMESPACES}@host1 (172.16.0.${NAMESPACES + 1})`] = await pingFrom(vm2, `NS${NAMESPACES}`, `172.16.0.${NAMESPACES + 1}`);
      t.deepEqual(pings, Object.fromEntries(Object.keys(pings).map((p) => [p, true])), "sampled connectivity");

      t.deepEqual(handshakes, vms().map(() => 1), "the provider opened exactly one SSH connection per host during up");

      const dmarks = await sshdLogMarks(lab!);
      const destroy = await st().run(["destroy", "--yes"], { timeoutMs: UP_TIMEOUT_MS });
      cycle.destroyMs = destroy.ms;
      cycle.destroyHandshakesPerHost = await handshakesSince(dmarks);
      cycle.deleted = resourceSummary(destroy.stdout).deleted ?? 0;
      if (!ok(t, destroy, "pulumi destroy")) return;
      t.is(cycle.deleted, RESOURCES_PER_UP, `Resources: ${RESOURCES_PER_UP} deleted`);
      const after = await snapshots(vms());
      t.deepEqual(after, before, "destroy leaves both hosts exactly as before the first up");
      cycle.ok = true;
    } finally {
      await writeFigures();
      if (!cycle.ok) {
        // Leave the next cycle clean hosts: destroy what this one made (best effort).
        const d = await st().run(["destroy", "--yes"], { timeoutMs: UP_TIMEOUT_MS }).catch(() => undefined);
        if (d && d.code !== 0) t.log(`cleanup destroy failed: ${tail(d.stdout + d.stderr, 20)}`);
      }
    }
  });
});

function cycleCount(raw: string | undefined): number {
  if (raw === undefined) return 4;
  if (!/^\d+$/.test(raw) || Number(raw) < 2) throw new Error(`PULUMI_NETNS_LOAD_CYCLES must be a whole number >= 2, not ${JSON.stringify(raw)}`);
  return Number(raw);
}
