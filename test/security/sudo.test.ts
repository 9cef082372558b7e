import test, { type ExecutionContext } from "ava";
import * as fs from "node:fs/promises";
import * as net from "node:net";
import * as path from "node:path";
import { labDown, labStatus, labUp, vmExec, type Lab, type LabVmInfo } from "../../provider/lab";
import { runLocal } from "../../provider/lab/exec";
import { engineBinDir, pulumiCli, REPO_ROOT, resourceSummary, tail, TestStack, type PulumiResult, ok } from "../helpers/pulumi";
import { sshdLog, sshdLogMarks } from "../helpers/lab";
import { Steps } from "../helpers/steps";
import { pingFrom, snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * A non-root login with sudo, through the real engine: the root program (examples/two-node)
 * with `nodes` in config on this file's lab "sudo" (index 21, LAN 10.250.21.0/24).
 *
 * 1. As the lab's sudo user (LabVmInfo.users.sudo, "pnetns", passwordless sudo for ALL) with
 *    `connection.sudo: true`: up works, NS1@node1 reaches NS2@node2, destroy restores the hosts.
 * 2. The same user with `sudo: false`: up fails with an error naming user@host and the command
 *    and the kernel's refusal, and leaves nothing on the hosts or in the state.
 * 3. The README's sudo rule, literally: a user whose only sudo right is
 *    `USER ALL=(root) NOPASSWD: /bin/sh, /usr/bin/sh` (README, "Connection and security")
 *    builds and destroys the same network. The lab VMs share this machine's /etc, so the user
 *    and its sudoers file are created on the machine (removed after), and the lab VMs' sshd is
 *    told to admit that user (AllowUsers in the lab's own sshd_config, reloaded with SIGHUP).
 */
const LAB = "sudo";
const LAB_INDEX = 21;
const STACK = `sudo-${process.pid}`;
const PASSPHRASE = `sudo-passphrase-${process.pid}`;
/** A user with only the README's rule (a valid login name, not used by anything else). */
const RULE_USER = "pnetnsreadme";
const RULE_FILE = "/etc/sudoers.d/pulumi-netns-readme-rule-test"; // no '.' or '~': sudo reads it
/** The README's rule with its user name replaced. */
const README_RULE = `${RULE_USER} ALL=(root) NOPASSWD: /bin/sh, /usr/bin/sh`;
const NODES = [
  { name: "node1", subnet: "172.16.0.0/24" },
  { name: "node2", subnet: "172.16.1.0/24" },
];
const NETWORK_KINDS = ["Bridge", "NetNamespace", "VethPair", "Route", "NatRule", "Sysctl", "Ping"];

let lab: Lab | undefined;
let stack: TestStack | undefined;
let binDir = "";
let before: HostSnapshot[] = [];
let userCreated = false;
let ruleInstalled = false;

const vms = (): LabVmInfo[] => {
  if (!lab) throw new Error("the lab is not up (see the before hook)");
  return lab.vms;
};
const st = (): TestStack => {
  if (!stack) throw new Error("the test stack was not created (see the before hook)");
  return stack;
};


const steps = new Steps(test);
const step = steps.step;

/** Point both nodes at the lab VMs as `user`, with `sudo`. */
async function configure(t: ExecutionContext, user: string, sudo: boolean): Promise<boolean> {
  for (const [i, vm] of vms().entries()) {
    for (const [k, v] of [
      [`nodes[${i}].name`, NODES[i].name],
      [`nodes[${i}].subnet`, NODES[i].subnet],
      [`nodes[${i}].connection.host`, vm.host],
      [`nodes[${i}].connection.hostKey`, vm.hostPublicKey],
      [`nodes[${i}].connection.user`, user],
      [`nodes[${i}].connection.sudo`, String(sudo)], // --path: "true"/"false" become booleans
    ]) {
      const r = await st().run(["config", "set", "--path", k, v]);
      if (!ok(t, r, `pulumi config set --path ${k} ${k.endsWith("hostKey") ? "<host key>" : v}`)) return false;
    }
  }
  const got = await st().run(["config", "get", "nodes", "--json"]);
  if (!ok(t, got, "pulumi config get nodes")) return false;
  const j = JSON.parse(got.stdout);
  const nodes = (j.objectValue ?? JSON.parse(j.value)) as Array<{ connection: { user: string; sudo: unknown } }>;
  return t.deepEqual(nodes.map((n) => [n.connection.user, n.connection.sudo]), vms().map(() => [user, sudo]), "config holds the user and a boolean sudo");
}


/** Users that logged in ("Accepted publickey for USER") since `marks`, per VM. */
async function loginsSince(marks: number[]): Promise<string[][]> {
  return Promise.all(
    vms().map(async (vm, k) => {
      const text = (await fs.readFile(sshdLog(lab!, vm))).subarray(marks[k]).toString("utf8");
      return [...new Set([...text.matchAll(/Accepted publickey for (\S+)/g)].map((m) => m[1]))].sort();
    }),
  );
}

/** Resources of the network kinds in the stack's state. */
async function stateResources(t: ExecutionContext): Promise<string[]> {
  const exp = await st().run(["stack", "export"]);
  if (!ok(t, exp, "pulumi stack export")) return ["<export failed>"];
  const resources = (JSON.parse(exp.stdout).deployment?.resources ?? []) as Array<{ type: string; urn: string }>;
  return resources.filter((r) => NETWORK_KINDS.includes(r.type.split(":").pop()!)).map((r) => r.urn.split("::").pop()!);
}

/** up as the configured user, then the pings, then destroy back to the prior state. */
async function upPingDestroy(t: ExecutionContext, user: string): Promise<boolean> {
  const marks = await sshdLogMarks(lab!);
  const up = await st().run(["up", "--yes", "--skip-preview"]);
  if (!ok(t, up, `pulumi up as ${user} with sudo`)) return false;
  t.deepEqual(await loginsSince(marks), vms().map(() => [user]), `every SSH login during up was ${user}'s`);
  const [vm1, vm2] = vms();
  const pings = {
    "NS1@node1 → NS2@node2 (172.16.1.3)": await pingFrom(vm1, "NS1", "172.16.1.3"),
    "NS2@node2 → NS1@node1 (172.16.0.2)": await pingFrom(vm2, "NS2", "172.16.0.2"),
  };
  t.deepEqual(pings, { "NS1@node1 → NS2@node2 (172.16.1.3)": true, "NS2@node2 → NS1@node1 (172.16.0.2)": true });
  const out = await st().run(["stack", "output", "connectivity", "--json"]);
  if (ok(t, out, "pulumi stack output connectivity")) {
    t.deepEqual(Object.entries(JSON.parse(out.stdout) as Record<string, boolean>).filter(([, v]) => v !== true), [], "every Ping resource (run through sudo) reached its target");
  }
  const d = await st().run(["destroy", "--yes"]);
  if (!ok(t, d, `pulumi destroy as ${user} with sudo`)) return false;
  t.is(resourceSummary(d.stdout).deleted, resourceSummary(up.stdout).created, "destroy deletes everything up created");
  t.deepEqual(await snapshots(vms()), before, "both hosts exactly as before");
  return true;
}

// ---- Figures: each test's outcome, for RELIABILITY.md. ----

const FIGURES = path.resolve(__dirname, "..", "figures", "sudo.json");
const outcomes: Array<{ test: string; passed: boolean }> = [];
test.afterEach.always((t) => {
  outcomes.push({ test: t.title, passed: t.passed });
});

// ---- Setup and teardown. ----

test.before(async (t) => {
  await fs.access(path.join(REPO_ROOT, "dist", "examples", "two-node", "index.js"));
  await labDown(LAB).catch(() => undefined);
  lab = await labUp({ name: LAB, index: LAB_INDEX, nodes: 2 });
  binDir = await engineBinDir();
  stack = await TestStack.create(STACK, { binDir, passphrase: PASSPHRASE });
  const key = await pulumiCli(
    ["config", "set", "--secret", "privateKey", "--stack", STACK, "--non-interactive", "--config-file", st().configFile, "--", vms()[0].privateKey],
    { workDir: st().workDir, passphrase: PASSPHRASE, binDir },
  );
  if (key.code !== 0) throw new Error(`pulumi config set --secret privateKey failed: ${key.stderr}`);
  before = await snapshots(vms());
  t.log(`stack ${STACK} in ${st().workDir}; sudo user ${vms()[0].users.sudo}`);
});

test.after.always(async (t) => {
  if (stack) {
    await stack.removeLogged(t);
    t.log(stack.historyText());
  }
  await labDown(LAB);
  await fs.mkdir(path.dirname(FIGURES), { recursive: true });
  await fs.writeFile(
    FIGURES,
    JSON.stringify({ date: new Date().toISOString(), test: "test/security/sudo.test.ts", sudoUser: "pnetns", readmeRule: README_RULE, tests: outcomes }, null, 2) + "\n",
  );
  if (ruleInstalled) await fs.rm(RULE_FILE, { force: true });
  if (userCreated) {
    const r = await runLocal(["userdel", "--remove", RULE_USER], { allowFail: true });
    if (r.code !== 0) t.log(`cleanup: userdel ${RULE_USER}: ${r.stderr.trim()}`);
  }
});

// ---- The steps. ----

step(1, "as the lab's sudo user with sudo: true, up works, the namespaces ping, destroy restores the hosts", async (t) => {
  const user = vms()[0].users.sudo;
  t.is(user, "pnetns");
  if (!(await configure(t, user, true))) return;
  if (await upPingDestroy(t, user)) steps.completed = 1;
});

step(2, "the same user with sudo: false: up fails naming user@host, the command and the refusal, and leaves nothing", async (t) => {
  const user = vms()[0].users.sudo;
  if (!(await configure(t, user, false))) return;
  // --continue-on-error: every node's creates are attempted (the engine otherwise stops scheduling
  // at the first failure, so whether the other node's errors appear would depend on timing).
  const up = await st().run(["up", "--yes", "--skip-preview", "--continue-on-error"]);
  t.log(`pulumi up as ${user} without sudo: exit ${up.code} in ${(up.ms / 1000).toFixed(1)} s`);
  t.not(up.code, 0, "up fails");
  const text = up.stdout + up.stderr;
  const diag = up.stdout.indexOf("Diagnostics:");
  t.log(`the CLI's diagnostics (start):\n${up.stdout.slice(diag, diag + 2500)}`);
  t.true(vms().every((vm) => text.includes(`ssh ${user}@${vm.host}:22: command failed`)), "errors name user@host:port of both nodes");
  t.regex(text, /Operation not permitted|Permission denied/, "the kernel's refusal (stderr) is shown");
  // The command itself: the failing step's argv (e.g. ip netns add NS1, ip link add br0 ...).
  t.regex(text, /ip netns add|ip link add|sysctl -w|iptables/, "the failing command is named");
  t.regex(text, /NetNamespace create netns\/NS1|netns\/NS1|NS1/, "the failing resource is identifiable");
  t.deepEqual(await stateResources(t), [], "no network resource in the state");
  t.deepEqual(await snapshots(vms()), before, "both hosts exactly as before");
  const d = await st().run(["destroy", "--yes"]);
  if (!ok(t, d, "pulumi destroy after the failed up")) return;
  steps.completed = 2;
});

/** Wait until host:22 answers with an SSH banner (after sshd re-executes on SIGHUP). */
async function waitBanner(host: string, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port: 22 });
      let buf = "";
      const done = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.setTimeout(1000, () => done(false));
      s.on("error", () => done(false));
      s.on("data", (d: Buffer) => {
        buf += d.toString("latin1");
        if (buf.includes("\n")) done(buf.startsWith("SSH-"));
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd at ${host}:22 did not come back`);
}

step(3, `the README's sudo rule is sufficient: a user with only "USER ALL=(root) NOPASSWD: /bin/sh, /usr/bin/sh"`, async (t) => {
  const readme = await fs.readFile(path.join(REPO_ROOT, "README.md"), "utf8");
  const documented = /`\/etc\/sudoers\.d\/pulumi-netns`: `(\w+) (ALL=\(root\) NOPASSWD: [^`]+)`/.exec(readme);
  t.truthy(documented, "the README documents a sudoers rule");
  t.is(`${RULE_USER} ${documented?.[2]}`, README_RULE, "the rule tested is the README's, with its user replaced");

  // The user: no password login ("*"), as the lab's own sudo user.
  if ((await runLocal(["id", "-u", RULE_USER], { allowFail: true })).code !== 0) {
    await runLocal(["useradd", "--create-home", "--shell", "/bin/bash", "--password", "*", RULE_USER]);
    userCreated = true;
  }
  const tmp = `${RULE_FILE}-tmp`;
  await fs.writeFile(tmp, README_RULE + "\n", { mode: 0o440 });
  const check = await runLocal(["visudo", "-cf", tmp], { allowFail: true });
  if (check.code !== 0) {
    await fs.rm(tmp, { force: true });
    t.fail(`visudo rejects the README's rule: ${check.stdout}${check.stderr}`);
    return;
  }
  await fs.rename(tmp, RULE_FILE);
  ruleInstalled = true;

  // Its sudo rights are exactly the rule: sh as root, nothing else.
  const list = (await runLocal(["sudo", "-l", "-U", RULE_USER], { allowFail: true })).stdout;
  t.log(`sudo -l -U ${RULE_USER}:\n${list.trim()}`);
  const vm1 = vms()[0];
  const asUser = (cmd: string) => vmExec(vm1, ["su", "-s", "/bin/sh", RULE_USER, "-c", cmd], { allowFail: true });
  const viaSh = await asUser("sudo -n sh -c 'id -u'");
  t.is(viaSh.stdout.trim(), "0", `sudo -n sh -c works for ${RULE_USER}: ${viaSh.stderr}`);
  const direct = await asUser("sudo -n /usr/sbin/ip link show");
  t.not(direct.code, 0, "and nothing but sh: sudo -n ip is refused");

  // Admit the user to the lab VMs' sshd (AllowUsers names root and the lab's sudo user only).
  for (const vm of vms()) {
    const cfg = path.join(lab!.stateDir, `vm${vm.vm}`, "sshd_config");
    const text = await fs.readFile(cfg, "utf8");
    if (!text.includes(RULE_USER)) await fs.writeFile(cfg, text.replace(/^AllowUsers (.*)$/m, `AllowUsers $1 ${RULE_USER}`));
    const pid = (await labStatus(LAB)).vms.find((v) => v.info.vm === vm.vm)?.pid;
    if (!pid) throw new Error(`lab ${LAB}: no sshd pid for VM ${vm.vm}`);
    process.kill(pid, "SIGHUP"); // sshd re-executes itself with the new config, same pid
    await new Promise((r) => setTimeout(r, 300));
    await waitBanner(vm.host);
  }

  if (!(await configure(t, RULE_USER, true))) return;
  if (await upPingDestroy(t, RULE_USER)) steps.completed = 3;
});
