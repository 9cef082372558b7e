import test, { type ExecutionContext } from "ava";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { labDown, labStatus, labUp, vmAdd, vmExec, vmRemove, type LabVmInfo } from "../../provider/lab";
import { runLocal } from "../../provider/lab/exec";
import { connectionSchema } from "../../provider/ssh/connection";
import { SshAuthError, SshDialError } from "../../provider/ssh/errors";
import { pool } from "../../provider/ssh/pool";
import { engineBinDir, REPO_ROOT, resourceSummary, shownSteps, tail, TestStack, type PulumiResult, type StateResource, ok } from "../helpers/pulumi";
import { pingFrom, snapshot } from "../helpers/snapshot";
import { ipForward, isCreateScript, isSshSession, liveObjects, vmProcesses } from "./objects";

/**
 * Faults through the real engine, against the root program (examples/two-node) with
 * `nodes` in config pointing at a lab of our own ("faults", index 16, LAN 10.250.16.0/24),
 * so the tests, not a LabVm resource, control each VM's sshd. Each test brings the lab
 * up fresh (about half a second), uses its own stack, and removes both, also on failure.
 * Figures for the report go to dist/test/figures/faults.json.
 */
const LAB = "faults";
const LAB_INDEX = 16;
const NODES = [
  { name: "node1", subnet: "172.16.0.0/24" },
  { name: "node2", subnet: "172.16.1.0/24" },
] as const;
const PEER_OF = { node1: NODES[1].subnet, node2: NODES[0].subnet } as Record<string, string>;

let binDir = "";
const stacks = new Set<TestStack>();
const figures: Array<{ name: string; tried: string; result: string; ms: number; details: Record<string, unknown> }> = [];
const suiteStarted = Date.now();

// ---- Helpers. ----

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Poll until f() is true; returns the time it took; throws after `ms`. */
async function waitFor(what: string, ms: number, f: () => Promise<boolean>, every = 100): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (await f()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** A lab with nothing of a previous test on it. */
async function freshLab(): Promise<{ vm1: LabVmInfo; vm2: LabVmInfo }> {
  await pool.closeAll();
  await labDown(LAB).catch(() => undefined);
  const lab = await labUp({ name: LAB, index: LAB_INDEX, nodes: 2 });
  return { vm1: lab.vms.find((v) => v.vm === 1)!, vm2: lab.vms.find((v) => v.vm === 2)! };
}

async function sshdPid(vm: number): Promise<number | null> {
  return (await labStatus(LAB)).vms.find((v) => v.info.vm === vm)?.pid ?? null;
}

async function newStack(tag: string): Promise<TestStack> {
  const s = await TestStack.create(`faults-${tag}-${process.pid}`, { binDir });
  stacks.add(s);
  return s;
}

async function dropStack(t: ExecutionContext, s: TestStack): Promise<void> {
  stacks.delete(s);
  for (const p of await s.remove()) t.log(`cleanup of ${s.name}: ${p}`);
  t.log(s.historyText());
}

/** Point the root program at our two VMs: `nodes` (plain, with host-key pins) and the secret `privateKey`, in one CLI call. */
async function configure(s: TestStack, vms: LabVmInfo[], privateKey: string, extra: Record<string, string | number> = {}): Promise<void> {
  const args = ["config", "set-all", "--path"];
  vms.forEach((vm, i) => {
    const plain = { name: NODES[i].name, subnet: NODES[i].subnet, "connection.host": vm.host, "connection.hostKey": vm.hostKeyFingerprint };
    for (const [k, v] of Object.entries(plain)) args.push("--plaintext", `nodes[${i}].${k}=${v}`);
  });
  for (const [k, v] of Object.entries(extra)) args.push("--plaintext", `${k}=${v}`);
  args.push("--secret", `privateKey=${privateKey}`);
  const r = await s.run(args);
  if (r.code !== 0) throw new Error(`pulumi config set-all failed (exit ${r.code}): ${tail(r.stdout + r.stderr)}`);
}

async function setConfig(s: TestStack, key: string, value: string | number): Promise<void> {
  const r = await s.run(["config", "set", "--path", key, String(value)]);
  if (r.code !== 0) throw new Error(`pulumi config set ${key} failed: ${tail(r.stdout + r.stderr)}`);
}


const nameOf = (urn: string) => urn.split("::").pop()!;

/** Names of the custom resources of one node in state (`node2-*`; the NodeNetwork component `node2` is not on the host). */
function onNode(resources: StateResource[], node: string): string[] {
  return resources.filter((r) => r.custom !== false && nameOf(r.urn).startsWith(`${node}-`)).map((r) => nameOf(r.urn)).sort();
}

/** Resources whose step failed in a CLI run: lines like ` +  TYPE NAME **creating failed** error: ...`. */
function failedSteps(output: string): Array<{ name: string; op: string }> {
  const seen = new Map<string, { name: string; op: string }>();
  for (const m of output.matchAll(/^\s*[-+~]*\s+\S+:\S*:\S+\s+(\S+)\s+\*\*([a-z]+) failed\*\*/gm)) seen.set(m[1], { name: m[1], op: m[2] });
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** State vs host: resources state claims that do not exist, and owned objects that exist but state does not claim. */
async function truth(vm: LabVmInfo, node: string, stackName: string, inState: string[]) {
  const live = await liveObjects(vm, node, stackName, PEER_OF[node]);
  const claimed = inState.filter((n) => n in live);
  return {
    live,
    missing: claimed.filter((n) => !live[n]),
    // ip_forward=1 proves nothing about ownership, so the sysctl is never called an orphan.
    orphans: Object.keys(live).filter((n) => live[n] && !inState.includes(n) && n !== `${node}-ip-forward`),
  };
}

/** The distinctive parts of a private key: its BEGIN line and a chunk from the middle of the base64 (past the common header). */
function keyNeedles(key: string): string[] {
  const lines = key.trim().split("\n");
  return [lines[0], lines[Math.floor(lines.length / 2)].slice(8, 48)];
}

/** Search every file the CLI wrote for this stack (PULUMI_HOME with its logs, the file backend, the config file) for the needles. */
async function searchWorkDir(s: TestStack, needles: string[]): Promise<{ files: string[]; logFiles: number; encryptedLogs: number; hits: string[] }> {
  const files: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  await walk(s.workDir);
  const hits: string[] = [];
  let encryptedLogs = 0;
  for (const f of files) {
    const buf = await fs.readFile(f);
    if (buf.subarray(0, 4).toString() === "PLOG") encryptedLogs++; // Pulumi's own encrypted log format: opaque to any grep
    const text = buf.toString("latin1");
    for (const n of needles) if (text.includes(n)) hits.push(`${path.relative(s.workDir, f)}: ${n.slice(0, 12)}…`);
  }
  return { files, logFiles: files.filter((f) => f.includes(`${path.sep}logs${path.sep}`)).length, encryptedLogs, hits };
}

async function pingRetry(vm: LabVmInfo, ns: string, target: string): Promise<{ ok: boolean; tries: number }> {
  for (let i = 1; i <= 3; i++) {
    if (await pingFrom(vm, ns, target)) return { ok: true, tries: i };
    await sleep(1000);
  }
  return { ok: false, tries: 3 };
}

/** Run a fault test; its figure is recorded whatever happens. */
function fault(
  title: string,
  tried: string,
  body: (t: ExecutionContext, fig: Record<string, unknown>) => Promise<string>,
  opts: { failing?: boolean } = {},
) {
  (opts.failing ? test.serial.failing : test.serial)(title, async (t) => {
    const started = Date.now();
    const details: Record<string, unknown> = {};
    let result = "did not finish (exception)";
    try {
      result = await body(t, details);
    } catch (e) {
      result = `failed: ${details.failure ?? String((e as Error).message ?? e).split("\n")[0]}`;
      throw e;
    } finally {
      const ms = Date.now() - started;
      figures.push({ name: title, tried, result, ms, details });
      t.log(`${title}: ${(ms / 1000).toFixed(1)} s; ${result}`);
    }
  });
}

// ---- Setup and teardown. ----

test.before(async () => {
  await fs.access(path.join(REPO_ROOT, "dist", "examples", "two-node", "index.js")); // the stack's `main`: build first
  binDir = await engineBinDir();
});

test.after.always(async (t) => {
  for (const s of [...stacks]) await dropStack(t, s).catch((e) => t.log(`cleanup of ${s.name}: ${String(e)}`));
  await pool.closeAll();
  await labDown(LAB);
  const dir = path.join(REPO_ROOT, "dist", "test", "figures");
  await fs.mkdir(dir, { recursive: true });
  const totalMs = Date.now() - suiteStarted;
  await fs.writeFile(path.join(dir, "faults.json"), JSON.stringify({ totalMs, faults: figures }, null, 2) + "\n");
  t.log(`faults: ${figures.length} scenarios in ${(totalMs / 1000).toFixed(1)} s; figures in dist/test/figures/faults.json`);
});

// ---- The faults. ----

fault(
  "1. sshd down at `pulumi up`: bounded retries, nothing claimed on the down host, recovery",
  "kill node2's sshd, dialErrorLimit 3 on node2, pulumi up; then bring sshd back (same host key) and pulumi up again",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("down");
    try {
      await configure(stack, [vm1, vm2], vm1.privateKey, { "nodes[1].connection.dialErrorLimit": 3 });
      const cfg = await stack.run(["config", "get", "nodes", "--json"]);
      const got = JSON.parse(cfg.stdout);
      const nodes = (got.objectValue ?? JSON.parse(got.value)) as Array<{ connection: { dialErrorLimit?: unknown } }>;
      t.is(typeof nodes[1].connection.dialErrorLimit, "number", "config set --path stores 3 as a number");

      const pid = (await sshdPid(2))!;
      process.kill(pid, "SIGTERM");
      await waitFor("node2's sshd to exit", 10_000, async () => (await sshdPid(2)) === null);
      // What a dead sshd leaves: the VM's netns (eth0 and its address) stays until labDown; its mount ns is gone.
      const eth0 = (await runLocal(["ip", "-n", vm2.netns, "-br", "addr", "show", "dev", "eth0"], { allowFail: true })).stdout.trim();
      fig.node2AfterSshdKill = { eth0, lanIpStays: eth0.includes(vm2.lanIp) };
      t.log(`node2 after its sshd was killed: eth0 ${eth0 || "(gone)"}`);

      // The pool's backoff, measured at the provider: 1 attempt vs 3 (200 + 400 ms of backoff between them).
      const dial = async (limit: number) => {
        const c = connectionSchema.parse({ host: vm2.host, privateKey: vm2.privateKey, hostKey: vm2.hostPublicKey, dialErrorLimit: limit });
        const t0 = Date.now();
        const e = await pool.run(c, "true").then(() => undefined, (x: Error) => x);
        return { ms: Date.now() - t0, error: e?.message ?? "(connected)", isDialError: e instanceof SshDialError };
      };
      const d1 = await dial(1);
      const d3 = await dial(3);
      fig.providerDial = { limit1: d1, limit3: d3 };
      t.true(d3.isDialError && d1.isDialError, `SshDialError both times: ${d1.error} / ${d3.error}`);
      t.true(d3.ms >= 550 && d3.ms > d1.ms, `3 attempts wait out the backoff (${d1.ms} ms for 1, ${d3.ms} ms for 3)`);

      // --continue-on-error: node1's creates are all attempted. Without it the engine stops scheduling at
      // node2's first failure, and how much of node1 exists to cross-check would depend on timing.
      const up = await stack.run(["up", "--yes", "--skip-preview", "--continue-on-error"]);
      const out = up.stdout + up.stderr;
      const msg = new RegExp(`ssh root@${esc(vm2.host)}:22: could not connect after 3 attempt\\(s\\): ([^\\n]*)`).exec(out);
      fig.up = { code: up.code, ms: up.ms, summary: resourceSummary(up.stdout), message: msg?.[0], failed: failedSteps(up.stdout).map((s) => s.name) };
      t.not(up.code, 0, "pulumi up fails");
      t.truthy(msg, `the error names node2's host and the attempts:\n${tail(out, 40)}`);
      t.true(up.ms >= 600, `the run took at least the retries' backoff (${up.ms} ms)`);
      t.false(new RegExp(`ssh root@${esc(vm1.host)}:22: could not connect`).test(out), "node1 is not blamed");

      const st = await stack.exportState();
      t.deepEqual(onNode(st.resources, "node2"), [], "state claims no resource on node2");
      t.deepEqual(st.pending.filter((p) => nameOf(p.resource.urn).startsWith("node2-")), [], "and no pending operation on node2");
      const node1 = onNode(st.resources, "node1");
      const n1 = await truth(vm1, "node1", stack.name, node1);
      fig.node1 = { inState: node1, missing: n1.missing, orphans: n1.orphans };
      t.log(`node1 resources created before the failure: ${node1.join(", ") || "(none)"}`);
      t.true(node1.filter((n) => n in n1.live).length >= 3, "some of node1's resources were created, to cross-check");
      t.deepEqual(n1.missing, [], "every node1 resource in state really exists on node1");
      t.deepEqual(n1.orphans, [], "and nothing of ours on node1 is missing from state");

      const back = await vmAdd({ name: LAB, index: LAB_INDEX }, 2);
      t.is(back.hostKeyFingerprint, vm2.hostKeyFingerprint, "vmAdd rebuilt node2 with the same host key");
      const up2 = await stack.run(["up", "--yes", "--skip-preview"]);
      fig.recovery = { code: up2.code, ms: up2.ms, summary: resourceSummary(up2.stdout) };
      if (!ok(t, up2, "pulumi up after sshd is back")) return "recovery up failed";
      const ping = await pingRetry(vm1, "NS1", "172.16.1.3");
      fig.ping = ping;
      t.true(ping.ok, "NS1@node1 → NS2@node2 (172.16.1.3)");
      // The key that did work, now in every node's connection in state: stored encrypted only.
      const needles = [...keyNeedles(vm1.privateKey), "PRIVATE KEY"];
      const search = await searchWorkDir(stack, needles);
      const exported = (await stack.exportState()).text;
      fig.keyInStateOrLogs = { filesSearched: search.files.length, hits: search.hits, inExport: needles.filter((n) => exported.includes(n)) };
      t.deepEqual(search.hits, [], "the lab's private key is in no file the CLI wrote (logs, backend, config)");
      t.deepEqual(needles.filter((n) => exported.includes(n) || up.stdout.includes(n) || up2.stdout.includes(n)), [], "nor in the export or the output");
      return `up failed in ${up.ms} ms naming ${vm2.host} after 3 attempts (${msg?.[1] ?? "?"}); state: 0 on node2, ${node1.length} on node1 (all real); after sshd came back up succeeded, ping ${ping.ok ? "ok" : "FAILED"}`;
    } finally {
      await dropStack(t, stack);
    }
  },
);

fault(
  "2. connection cut in the middle of a multi-step create: the undo runs, state stays truthful",
  "pulumi up with PULUMI_NETNS_TEST_STEP_DELAY=1; once veth10 appears on node2 (before alias/bridge/up), kill node2's sshd session processes (not the listener)",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("cut");
    try {
      await configure(stack, [vm1, vm2], vm1.privateKey);
      const started = Date.now();
      let upDone = false;
      const upP = stack.run(["up", "--yes", "--skip-preview"], { env: { PULUMI_NETNS_TEST_STEP_DELAY: "1" }, timeoutMs: 10 * 60_000 });
      void upP.then(() => (upDone = true));

      // The chosen intermediate object: the host end of NS1's veth pair, right after `ip link add`.
      let seen: { ifname: string; ifalias?: string; master?: string; operstate?: string } | undefined;
      await waitFor("veth10 on node2 (or the end of up)", 5 * 60_000, async () => {
        if (upDone) return true;
        const r = await vmExec(vm2, ["ip", "-json", "link", "show", "dev", "veth10"], { allowFail: true });
        if (r.code === 0) [seen] = JSON.parse(r.stdout);
        return seen !== undefined;
      }, 50);
      if (!seen) {
        const r = await upP;
        t.fail(`veth10 never appeared on node2 while up ran (exit ${r.code}):\n${tail(r.stdout, 30)}`);
        return "veth10 never seen";
      }
      const atCut = Date.now() - started;
      const procs = await vmProcesses(vm2);
      const sessions = procs.filter((p) => isSshSession(p.cmd));
      const scripts = procs.filter((p) => isCreateScript(p.cmd)).map((p) => /ip link add name (\S+)|ip netns add (\S+)|ip link add (\S+)|iptables[^\n]*-A (\S+)|sysctl -w (\S+)|ip (?:-n \S+ )?route add (\S+)/.exec(p.cmd)?.slice(1).find(Boolean) ?? "?");
      for (const p of sessions) process.kill(p.pid, "SIGTERM");
      fig.cut = { atMs: atCut, veth10: seen, killed: sessions.map((p) => `${p.pid} ${p.cmd}`), scriptsRunning: scripts };
      t.log(`cut at ${atCut} ms: veth10 ${JSON.stringify(seen)}; killed ${sessions.map((p) => p.cmd).join(", ")}; create scripts running: ${scripts.join(", ")}`);
      t.true(sessions.length > 0, "there was an SSH session to cut");
      t.false(seen.ifalias?.startsWith("pulumi-netns") ?? false, `cut before the veth got its owner mark (an intermediate state); alias ${seen.ifalias ?? "-"}`);

      const up = await upP;
      const failed = failedSteps(up.stdout);
      fig.up = { code: up.code, ms: up.ms, summary: resourceSummary(up.stdout), failed, created: shownSteps(up.stdout, ["created"]).map((s) => s.name).filter((n) => n.startsWith("node2-")) };
      t.log(`up after the cut: exit ${up.code}, ${JSON.stringify(resourceSummary(up.stdout))}, failed: ${failed.map((f) => f.name).join(", ")}`);
      const connLost = /command failed \(exit signal\)|connection|ECONNRESET|channel/i.exec(up.stdout)?.[0];
      fig.errorShape = connLost;

      // The cut scripts keep running their remaining steps, then fail on their last write and undo.
      const undoMs = await waitFor("node2's cut create scripts to finish", 90_000, async () => !(await vmProcesses(vm2)).some((p) => isCreateScript(p.cmd)), 250);
      fig.undoFinishedAfterMs = undoMs;

      const st = await stack.exportState();
      const node2 = onNode(st.resources, "node2");
      const n2 = await truth(vm2, "node2", stack.name, node2);
      fig.afterCut = { inState: node2, live: n2.live, missing: n2.missing, orphans: n2.orphans, pending: st.pending.map((p) => nameOf(p.resource.urn)) };
      t.log(`node2 after the cut: state ${node2.join(", ")}; live ${JSON.stringify(n2.live)}`);
      t.true(!n2.live["node2-NS1-veth"] || node2.includes("node2-NS1-veth"), "the veth pair being created is gone (undone) or complete and in state");
      t.deepEqual(n2.missing, [], "every node2 resource in state exists on node2");
      t.deepEqual(n2.orphans, [], "no object of ours on node2 that state does not know (no half-made or lost object)");
      t.deepEqual(st.pending, [], "no pending operations");

      const rf = await stack.run(["refresh", "--yes"]);
      ok(t, rf, "pulumi refresh");
      const deleted = shownSteps(rf.stdout, ["deleted"]).map((s) => s.name);
      fig.refresh = { code: rf.code, deleted, summary: resourceSummary(rf.stdout) };
      t.deepEqual(deleted, [], "refresh finds nothing that state claimed gone");

      const up2 = await stack.run(["up", "--yes", "--skip-preview"]);
      fig.converge = { code: up2.code, ms: up2.ms, summary: resourceSummary(up2.stdout) };
      if (!ok(t, up2, "pulumi up without the delay")) return `cut up exit ${up.code}; converging up failed`;
      const ping = await pingRetry(vm1, "NS1", "172.16.1.3");
      fig.ping = ping;
      t.true(ping.ok, "NS1@node1 → NS2@node2 (172.16.1.3)");
      const final = await truth(vm2, "node2", stack.name, onNode((await stack.exportState()).resources, "node2"));
      t.deepEqual([final.missing, final.orphans], [[], []], "after converging, state and node2 agree");
      t.true(Object.values(final.live).every(Boolean), `everything exists on node2: ${JSON.stringify(final.live)}`);
      return (
        `cut at ${atCut} ms (veth10 added, no alias yet); up exit ${up.code}, failed: ${failed.map((f) => f.name).join(", ") || "none"}; ` +
        `undo done ${undoMs} ms after up returned; veth10 afterwards: ${n2.live["node2-NS1-veth"] ? "present" : "gone"}; ` +
        `state truthful (missing ${n2.missing.length}, orphans ${n2.orphans.length}); refresh deleted ${deleted.length}; converging up ok, ping ${ping.ok ? "ok" : "FAILED"}`
      );
    } finally {
      await dropStack(t, stack);
    }
  },
);

fault(
  "3. host key changed since pinned: refused naming both fingerprints, nothing created on the host",
  "pin node2's host key, rebuild node2 with a new one (vmRemove + vmAdd), pulumi up with the old pin",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("hostkey");
    try {
      await configure(stack, [vm1, vm2], vm1.privateKey);
      const forwardBefore = await ipForward(vm2);
      await vmRemove(LAB, 2); // takes its state dir, host key included
      const vm2b = await vmAdd({ name: LAB, index: LAB_INDEX }, 2);
      const oldFp = vm2.hostKeyFingerprint;
      const newFp = vm2b.hostKeyFingerprint;
      fig.fingerprints = { pinned: oldFp, presented: newFp };
      t.not(newFp, oldFp, "node2 came back with a different host key");

      const up = await stack.run(["up", "--yes", "--skip-preview"]);
      const out = up.stdout + up.stderr;
      const line = out.split("\n").find((l) => l.includes("host key mismatch"));
      fig.up = { code: up.code, ms: up.ms, summary: resourceSummary(up.stdout), message: line?.trim() };
      t.not(up.code, 0, "pulumi up fails");
      t.truthy(line, `a host key mismatch is reported:\n${tail(out, 30)}`);
      t.true(line?.includes(oldFp) && line?.includes(newFp), `the message names both fingerprints: ${line}`);
      t.true(line?.includes(vm2.host), "and the host");

      const st = await stack.exportState();
      t.deepEqual(onNode(st.resources, "node2"), [], "state claims nothing on node2");
      const live = await liveObjects(vm2b, "node2", stack.name, PEER_OF.node2);
      fig.node2Live = live;
      t.deepEqual(Object.entries(live).filter(([k, v]) => v && k !== "node2-ip-forward"), [], "nothing was created on node2");
      t.is(await ipForward(vm2b), forwardBefore, "node2's ip_forward untouched");
      return `up refused in ${up.ms} ms: "${line?.trim().replace(/^.*?error: /, "")}"; nothing on node2`;
    } finally {
      await dropStack(t, stack);
    }
  },
);

fault(
  "4. wrong key / wrong password: authentication fails at once and the secret never shows",
  "privateKey set to a freshly generated other key, pulumi up; grep output, PULUMI_HOME, backend and export for the key; provider-level pool.run with a wrong password",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("auth");
    const keyDir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-faults-key-"));
    try {
      await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "not-the-lab-key", "-f", path.join(keyDir, "id")]);
      const wrongKey = await fs.readFile(path.join(keyDir, "id"), "utf8");
      const [begin, middle] = keyNeedles(wrongKey);
      t.true(begin.startsWith("-----BEGIN") && middle.length === 40);
      await configure(stack, [vm1, vm2], wrongKey);

      const up = await stack.run(["up", "--yes", "--skip-preview"]);
      const out = up.stdout + up.stderr;
      const authLines = out.split("\n").filter((l) => l.includes("authentication failed"));
      fig.up = { code: up.code, ms: up.ms, summary: resourceSummary(up.stdout), message: authLines[0]?.trim() };
      t.not(up.code, 0, "pulumi up fails");
      t.true(authLines.some((l) => l.includes("authentication failed (methods tried: publickey)")), `authentication failure named:\n${tail(out, 30)}`);
      t.false(out.includes("could not connect after"), "an auth failure is not retried as a dial error");

      const st = await stack.exportState();
      t.deepEqual([...onNode(st.resources, "node1"), ...onNode(st.resources, "node2")], [], "nothing created");

      const search = await searchWorkDir(stack, [begin, middle, "PRIVATE KEY"]);
      const { files, hits, encryptedLogs } = search;
      const inOutput = [begin, middle].filter((s) => out.includes(s));
      const inExport = [begin, middle, "PRIVATE KEY"].filter((s) => st.text.includes(s));
      fig.secretSearch = { filesSearched: files.length, logFiles: search.logFiles, encryptedPlogFiles: encryptedLogs, hits, inOutput, inExport };
      t.log(`searched ${files.length} files under ${stack.workDir} (${encryptedLogs} are Pulumi's encrypted PLOG logs, opaque to grep)`);
      t.deepEqual(inOutput, [], "the key is not in the CLI output");
      t.deepEqual(hits, [], "the key is in no file the CLI wrote (logs, backend, config)");
      t.deepEqual(inExport, [], "the key is not in the stack export");

      // Passwords: the program has no password config, so at the provider level.
      const password = `wrong-${process.pid}-Xq7pZ`;
      const c = connectionSchema.parse({ host: vm2.host, password, hostKey: vm2.hostPublicKey, dialErrorLimit: 3 });
      const t0 = Date.now();
      const e = await pool.run(c, "true").then(() => undefined, (x: Error) => x);
      const pwMs = Date.now() - t0;
      fig.password = { error: e?.name, message: e?.message, ms: pwMs };
      t.true(e instanceof SshAuthError, `SshAuthError for a wrong password: ${e?.name}: ${e?.message}`);
      t.regex(e?.message ?? "", /authentication failed \(methods tried: password/);
      t.false((e?.message ?? "").includes(password), "the password is not in the message");
      t.false(JSON.stringify(e ?? {}).includes(password), "nor anywhere in the error object");
      return `key: up failed in ${up.ms} ms with "${authLines[0]?.trim().replace(/^.*?error: /, "")}", key text found nowhere (${files.length} files, ${encryptedLogs} encrypted PLOG logs); password: ${e?.name} in ${pwMs} ms, password not in message`;
    } finally {
      await fs.rm(keyDir, { recursive: true, force: true });
      await dropStack(t, stack);
    }
  },
);

fault(
  "5. `pulumi destroy` when a host is gone for good: clear error with a way out that works",
  "after a good up (node2: dialErrorLimit 2, perDialTimeout 3), remove node2 entirely, set its dialErrorLimit to 1 in config, destroy; follow the error's advice; then the state-delete sequence that works",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("gone");
    try {
      await configure(stack, [vm1, vm2], vm1.privateKey, { "nodes[1].connection.dialErrorLimit": 2, "nodes[1].connection.perDialTimeout": 3 });
      const node1Before = await snapshot(vm1);
      t.is(node1Before.sysctls["net.ipv4.ip_forward"], "0");
      const up = await stack.run(["up", "--yes", "--skip-preview"]);
      if (!ok(t, up, "pulumi up")) return "initial up failed";

      await vmRemove(LAB, 2);
      const netnsLeft = (await runLocal(["ip", "netns", "list"])).stdout.includes(vm2.netns);
      t.false(netnsLeft, "node2's netns (and its IP) is gone");
      await setConfig(stack, "nodes[1].connection.dialErrorLimit", 1);

      const d1 = await stack.run(["destroy", "--yes"]);
      const out = d1.stdout + d1.stderr;
      const attempts = new RegExp(`ssh root@${esc(vm2.host)}:22: could not connect after (\\d+) attempt\\(s\\)`).exec(out);
      const failed1 = failedSteps(d1.stdout);
      fig.destroy1 = { code: d1.code, ms: d1.ms, summary: resourceSummary(d1.stdout), failed: failed1, attempts: attempts?.[1] };
      t.not(d1.code, 0, "destroy fails");
      t.truthy(attempts, `the error names node2's host:\n${tail(out, 30)}`);
      t.is(attempts?.[1], "2", "deletes use the connection stored in state (dialErrorLimit 2), not the config's new 1");
      t.true(out.includes("pulumi state delete"), "the error says how to drop a gone host's resources");
      t.true(failed1.every((f) => f.name.startsWith("node2-")), `only node2's resources fail: ${failed1.map((f) => f.name).join(", ")}`);

      // The advice, literally: `pulumi state delete <URN>` with --target-dependents, for the resources that failed.
      let st = await stack.exportState();
      const urnOf = (n: string) => st.resources.find((r) => nameOf(r.urn) === n)!.urn;
      const literal = await stack.run(["state", "delete", ...failed1.map((f) => urnOf(f.name)), "--target-dependents", "--yes"]);
      ok(t, literal, "pulumi state delete <failed URNs> --target-dependents");
      const d2 = await stack.run(["destroy", "--yes"]);
      st = await stack.exportState();
      const leftAfterLiteral = onNode(st.resources, "node2");
      fig.literalAdvice = {
        command: `pulumi state delete ${failed1.map((f) => `'<URN of ${f.name}>'`).join(" ")} --target-dependents --yes`,
        thenDestroy: { code: d2.code, ms: d2.ms, failed: failedSteps(d2.stdout).map((f) => f.name) },
        node2LeftInState: leftAfterLiteral,
      };
      t.log(`after the literal advice: destroy exit ${d2.code}; node2 resources still in state: ${leftAfterLiteral.join(", ") || "(none)"}`);

      // What works: every resource of the gone host, in one command, with --target-dependents.
      if (leftAfterLiteral.length) {
        const all = await stack.run(["state", "delete", ...leftAfterLiteral.map(urnOf), "--target-dependents", "--yes"]);
        fig.wayOut = { command: `pulumi state delete ${leftAfterLiteral.map((n) => `'<URN of ${n}>'`).join(" ")} --target-dependents --yes`, code: all.code, output: all.stdout.trim() };
        ok(t, all, "pulumi state delete <every node2 URN> --target-dependents");
      }
      const d3 = await stack.run(["destroy", "--yes"]);
      fig.finalDestroy = { code: d3.code, ms: d3.ms, summary: resourceSummary(d3.stdout) };
      ok(t, d3, "pulumi destroy after the state delete");
      st = await stack.exportState();
      t.deepEqual(st.resources.map((r) => nameOf(r.urn)), [], "no resources left in state");

      const node1After = await snapshot(vm1);
      fig.node1Clean = { netns: node1After.netns, ipForward: node1After.sysctls["net.ipv4.ip_forward"], nat: node1After.iptables.filter((l) => l.includes("pulumi-netns")) };
      t.deepEqual(node1After.netns, [], "no NS1/NS2 on node1");
      t.false(node1After.perNamespace[""].links.some((l) => l.startsWith("br0 ")), "no br0 on node1");
      t.deepEqual(node1After.iptables.filter((l) => l.includes("pulumi-netns")), [], "the NAT rule is gone");
      t.is(node1After.sysctls["net.ipv4.ip_forward"], "0", "ip_forward back to 0");
      t.deepEqual(node1After, node1Before, "node1 is exactly as before the stack");
      return (
        `destroy failed in ${d1.ms} ms naming ${vm2.host} ("could not connect after ${attempts?.[1]} attempt(s)": the state's connection, not config's) with the state-delete advice; ` +
        `literal advice on the failed URNs left ${leftAfterLiteral.length} node2 resources (destroy exit ${d2.code}); ` +
        `deleting every node2 URN with --target-dependents then destroy: exit ${d3.code}; node1 identical to before`
      );
    } finally {
      await dropStack(t, stack);
    }
  },
);

/*
 * Regression (was a bug: a connection-only change planned an in-place update of every resource
 * on the host, and NatRule.update threw, so `pulumi up` failed after any key rotation or re-pin).
 * Re-pinning the same host key as its full line is no change at all now (state stores the pin as
 * its fingerprint), so the connection-only change made here is a longer perDialTimeout.
 */
fault(
  "6. a connection-only change updates every resource on the host in place; re-pinning the same host key as its full line is no change",
  "after a good up, set node2's connection.perDialTimeout, pulumi up; then pin node2's host key as the 'ssh-ed25519 AAAA...' line instead of its SHA256 fingerprint, pulumi preview --expect-no-changes",
  async (t, fig) => {
    const { vm1, vm2 } = await freshLab();
    const stack = await newStack("repin");
    try {
      await configure(stack, [vm1, vm2], vm1.privateKey);
      const up = await stack.run(["up", "--yes", "--skip-preview"]);
      if (!ok(t, up, "pulumi up")) return "initial up failed";
      await configure(stack, [vm1, vm2], vm1.privateKey, { "nodes[1].connection.perDialTimeout": 20 });
      const up2 = await stack.run(["up", "--yes", "--skip-preview"]);
      const failed = failedSteps(up2.stdout);
      const err = /NatRule has no in-place updates[^\n]*/.exec(up2.stdout)?.[0];
      fig.up = { code: up2.code, ms: up2.ms, summary: resourceSummary(up2.stdout), failed, error: err };
      if (up2.code !== 0) fig.failure = `up after the connection change exited ${up2.code}; ${failed.map((f) => `${f.name} (${f.op})`).join(", ")}: ${err ?? "?"}`;
      t.log(`up after the connection change: exit ${up2.code}, failed: ${failed.map((f) => `${f.name} (${f.op})`).join(", ") || "none"}${err ? `: ${err}` : ""}`);
      if (!ok(t, up2, "pulumi up after changing node2's connection.perDialTimeout")) return `up failed: ${failed.map((f) => f.name).join(", ")}: ${err ?? "?"}`;
      t.true((resourceSummary(up2.stdout).updated ?? 0) >= 12, `node2's resources updated in place: ${JSON.stringify(resourceSummary(up2.stdout))}`);
      ok(t, await stack.run(["preview", "--expect-no-changes"]), "pulumi preview --expect-no-changes");
      await setConfig(stack, "nodes[1].connection.hostKey", vm2.hostPublicKey);
      const pv = await stack.run(["preview", "--expect-no-changes"]);
      ok(t, pv, "pulumi preview --expect-no-changes after pinning node2's host key as its full line");
      return "connection change applied in place; the same pin written another way is no change";
    } finally {
      await dropStack(t, stack);
    }
  },
);
