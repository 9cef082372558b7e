/**
 * The local lab end to end: two emulated VMs reached over real SSH (system
 * `ssh` client, pinned host keys), namespace isolation between them, the
 * sudo user, single-VM add/remove, and a clean root namespace after down.
 * Needs root. Traffic goes only to the lab subnet inside namespaces it made.
 */
import test from "ava";
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { Lab, LabVmInfo, labDown, labStatus, labUp, vmAdd, vmExec, vmRemove, LAB_ROOT } from "../../provider/lab";
import { shellJoin } from "../../provider/ssh/quote";

const NAME = "itest";
const INDEX = 9; // 10.250.9.0/24, away from a developer's default lab0
const EXTRA = { name: "itest2", index: 10 };

function sh(argv: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ stdout, stderr, code });
    });
  });
}

interface Snapshot {
  links: string[]; // "ifindex:ifname"
  netns: string[];
  sshd: string[]; // "pid cmdline" of live sshd processes of the host itself (its UTS namespace)
  labSshd: string[]; // "pid cmdline" of live sshd processes started for lab VMs
}

const utsOf = (pid: string) => fs.readlink(`/proc/${pid}/ns/uts`).catch(() => null);

async function snapshot(): Promise<Snapshot> {
  const links = JSON.parse((await sh(["ip", "-json", "link"])).stdout) as { ifindex: number; ifname: string }[];
  const ns = (await sh(["ip", "-json", "netns", "list"])).stdout.trim();
  const sshd: string[] = [];
  const labSshd: string[] = [];
  const hostUts = await utsOf("self");
  for (const ent of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(ent)) continue;
    const stat = await fs.readFile(`/proc/${ent}/stat`, "utf8").catch(() => "");
    if (!stat.includes("(sshd)") || stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
    const cmd = (await fs.readFile(`/proc/${ent}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
    if ((await utsOf(ent)) === hostUts) sshd.push(`${ent} ${cmd}`);
    else if (cmd.includes(LAB_ROOT)) labSshd.push(`${ent} ${cmd}`);
  }
  return {
    links: links.map((l) => `${l.ifindex}:${l.ifname}`).sort(),
    netns: (ns ? (JSON.parse(ns) as { name: string }[]) : []).map((n) => n.name).sort(),
    sshd: sshd.sort(),
    labSshd: labSshd.sort(),
  };
}

let before: Snapshot;
let lab: Lab;
let tmp: string;
let knownHosts: string;

async function writeKnownHosts(vms: LabVmInfo[]): Promise<void> {
  await fs.writeFile(knownHosts, vms.map((v) => `${v.host} ${v.hostPublicKey}\n`).join(""));
}

/** Run argv on the VM over real SSH as `user`, host key pinned. */
function ssh(vm: LabVmInfo, user: string, argv: string[]) {
  return sh([
    "ssh", "-F", "/dev/null", "-i", vm.privateKeyPath,
    "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "GlobalKnownHostsFile=/dev/null",
    "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
    "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "-p", String(vm.port),
    `${user}@${vm.host}`, shellJoin(argv),
  ]);
}

test.before(async (t) => {
  before = await snapshot();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "pnl-lab-test-"));
  knownHosts = path.join(tmp, "known_hosts");
  const t0 = Date.now();
  lab = await labUp({ name: NAME, index: INDEX, nodes: 2 });
  t.log(`labUp 2 VMs: ${Date.now() - t0} ms`);
  await writeKnownHosts(lab.vms);
});

test.after.always(async () => {
  // Safety net: the last test already did this; down is idempotent.
  await labDown(NAME).catch(() => {});
  await labDown(EXTRA.name).catch(() => {});
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

test.serial("connection info is complete", (t) => {
  t.is(lab.vms.length, 2);
  const [a, b] = lab.vms;
  t.is(a.host, `10.250.${INDEX}.11`);
  t.is(b.host, `10.250.${INDEX}.12`);
  for (const v of lab.vms) {
    t.is(v.port, 22);
    t.deepEqual(v.users, { root: "root", sudo: "pnetns" });
    t.regex(v.hostPublicKey, /^ssh-ed25519 AAAA\S+$/);
    t.regex(v.hostKeyFingerprint, /^SHA256:\S+$/);
    t.regex(v.privateKey, /BEGIN OPENSSH PRIVATE KEY/);
    t.is(v.lanIp, v.host);
  }
  t.not(a.hostKeyFingerprint, b.hostKeyFingerprint);
  t.not(a.netns, b.netns);
});

test.serial("each VM answers over SSH as root with its own hostname", async (t) => {
  const names = await Promise.all(lab.vms.map((v) => ssh(v, "root", ["hostname"])));
  names.forEach((r, k) => {
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.trim(), lab.vms[k].name);
  });
  t.not(names[0].stdout, names[1].stdout);
});

test.serial("a VM has lo and eth0 with its lab IP, and ip_forward off", async (t) => {
  for (const v of lab.vms) {
    const r = await ssh(v, "root", ["ip", "-json", "addr"]);
    t.is(r.code, 0, r.stderr);
    const links = JSON.parse(r.stdout) as { ifname: string; operstate: string; addr_info: { local: string }[] }[];
    t.deepEqual(links.map((l) => l.ifname).sort(), ["eth0", "lo"]);
    const eth0 = links.find((l) => l.ifname === "eth0")!;
    t.true(eth0.addr_info.some((a) => a.local === v.lanIp));
    const fwd = await ssh(v, "root", ["cat", "/proc/sys/net/ipv4/ip_forward"]);
    t.is(fwd.stdout.trim(), "0");
  }
});

test.serial("VMs reach each other over the lab LAN", async (t) => {
  const [a, b] = lab.vms;
  const r = await ssh(a, "root", ["ping", "-c", "1", "-W", "2", b.lanIp]);
  t.is(r.code, 0, r.stdout + r.stderr);
});

test.serial("ip netns add NS1 in both VMs at once: no collision, invisible to the host", async (t) => {
  const script = ["sh", "-c", "ip netns add NS1 && ip netns exec NS1 ip link set lo up && ip netns exec NS1 ping -c 1 -W 2 127.0.0.1"];
  const rs = await Promise.all(lab.vms.map((v) => ssh(v, "root", script)));
  rs.forEach((r) => t.is(r.code, 0, r.stdout + r.stderr));
  const root = await sh(["ip", "netns", "list"]);
  t.false(/^NS1\b/m.test(root.stdout), root.stdout);
  for (const v of lab.vms) {
    const inside = await vmExec(v, ["ip", "netns", "list"]);
    t.regex(inside.stdout, /^NS1\b/m);
    t.false(inside.stdout.includes("pnl-"), "the VM must not see the host's namespaces");
    // The NS1 of one VM is not the NS1 of the other.
    const inode = await vmExec(v, ["stat", "-L", "-c", "%i", "/run/netns/NS1"]);
    t.truthy(inode.stdout.trim());
  }
  const [i1, i2] = await Promise.all(lab.vms.map((v) => vmExec(v, ["stat", "-L", "-c", "%i", "/run/netns/NS1"])));
  t.not(i1.stdout.trim(), i2.stdout.trim());
  await Promise.all(lab.vms.map((v) => ssh(v, "root", ["ip", "netns", "del", "NS1"])));
});

test.serial("the sudo user logs in and gets root with sudo -n", async (t) => {
  for (const v of lab.vms) {
    const who = await ssh(v, v.users.sudo, ["id", "-un"]);
    t.is(who.code, 0, who.stderr);
    t.is(who.stdout.trim(), "pnetns");
    const r = await ssh(v, v.users.sudo, ["sudo", "-n", "id", "-u"]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.trim(), "0");
    t.is(r.stderr.trim(), "", "sudo should not warn (e.g. about an unresolvable hostname)");
  }
});

test.serial("vmExec runs in the VM's namespaces without SSH", async (t) => {
  const v = lab.vms[0];
  t.is((await vmExec(v, ["hostname"])).stdout.trim(), v.name);
  const links = JSON.parse((await vmExec(v, ["ip", "-json", "link"])).stdout) as { ifname: string }[];
  t.deepEqual(links.map((l) => l.ifname).sort(), ["eth0", "lo"]);
  const fail = await vmExec(v, ["false"], { allowFail: true });
  t.is(fail.code, 1);
});

test.serial("labUp again is a no-op on a running lab", async (t) => {
  const st1 = await labStatus(NAME);
  const again = await labUp({ name: NAME, index: INDEX, nodes: 2 });
  const st2 = await labStatus(NAME);
  t.deepEqual(again.vms.map((v) => v.hostKeyFingerprint), lab.vms.map((v) => v.hostKeyFingerprint));
  t.deepEqual(st2.vms.map((v) => v.pid), st1.vms.map((v) => v.pid));
  t.true(st2.vms.every((v) => v.running && v.sshReady));
  await t.throwsAsync(labUp({ name: NAME, index: INDEX + 1, nodes: 2 }), { message: /index/ });
});

test.serial("vmAdd / vmRemove manage single VMs, and a second lab coexists", async (t) => {
  const v3 = await vmAdd({ name: NAME, index: INDEX }, 3);
  const other = await vmAdd(EXTRA, 1);
  t.is(v3.host, `10.250.${INDEX}.13`);
  t.is(other.host, `10.250.${EXTRA.index}.11`);
  t.not(other.privateKey, v3.privateKey, "each lab has its own user key");
  await writeKnownHosts([...lab.vms, v3, other]);
  for (const v of [v3, other]) {
    const r = await ssh(v, "root", ["hostname"]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.trim(), v.name);
  }
  // vmAdd on a running VM is a no-op.
  t.is((await vmAdd({ name: NAME }, 3)).hostKeyFingerprint, v3.hostKeyFingerprint);

  await vmRemove(NAME, 3);
  await vmRemove(NAME, 3); // idempotent
  const st = await labStatus(NAME);
  t.deepEqual(st.vms.map((v) => v.info.vm), [1, 2]);
  t.false((await sh(["ip", "netns", "list"])).stdout.includes(v3.netns));

  // The last VM of a lab takes its bridge and state with it.
  await vmRemove(EXTRA.name, 1);
  t.false((await labStatus(EXTRA.name)).exists);
  t.not((await sh(["ip", "link", "show", "dev", `pnlbr${EXTRA.index}`])).code, 0);
});

test.serial("labDown leaves the root namespace as it was", async (t) => {
  // Leave daemons behind in a VM, one of them in a namespace of its own: down must reap them too.
  const daemons = await ssh(lab.vms[0], "root", ["sh", "-c",
    "setsid sleep 600 </dev/null >/dev/null 2>&1 & ip netns add NS2 && " +
    "(setsid ip netns exec NS2 sleep 600 </dev/null >/dev/null 2>&1 &) && sleep 0.2"]);
  t.is(daemons.code, 0, daemons.stderr);
  const during = await snapshot();
  t.is(during.labSshd.filter((s) => s.includes(path.join(LAB_ROOT, NAME))).length, 2);
  // Every process of a VM shares its UTS namespace: none may survive down.
  const vmUts = await Promise.all((await labStatus(NAME)).vms.map((v) => utsOf(String(v.pid))));
  t.is(vmUts.filter(Boolean).length, 2);
  const t0 = Date.now();
  await labDown(NAME);
  t.log(`labDown: ${Date.now() - t0} ms`);
  await labDown(NAME); // twice is fine
  const after = await snapshot();
  // Equal to the snapshot from before up. Other labs (other test files, other people) may come
  // and go meanwhile; that is tolerated (and logged) as long as none of it is this lab's.
  const added = (a: string[], b: string[]) => a.filter((x) => !b.includes(x));
  const ours = path.join(LAB_ROOT, NAME);
  const ourLink = new RegExp(`^\\d+:pnl(br${INDEX}|${INDEX}[vp]\\d+)$`);
  const otherLab = /^\d+:pnl/;
  t.deepEqual(added(before.links, after.links).filter((l) => !otherLab.test(l)), [], "host links are gone");
  t.deepEqual(after.links.filter((l) => ourLink.test(l)), [], "lab links left behind");
  t.deepEqual(added(before.netns, after.netns).filter((n) => !n.startsWith("pnl-")), [], "host namespaces are gone");
  t.deepEqual(after.netns.filter((n) => n.startsWith(`pnl-${NAME}-`)), [], "lab namespaces left behind");
  t.deepEqual(after.labSshd.filter((s) => s.includes(ours)), [], "lab sshd processes left behind");
  t.deepEqual(after.sshd, before.sshd, "the host's own sshd processes changed");
  const left: string[] = [];
  for (const ent of await fs.readdir("/proc")) {
    if (/^\d+$/.test(ent) && vmUts.includes(await utsOf(ent))) left.push(ent);
  }
  t.deepEqual(left, [], "processes left in the VMs");
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    t.log("root namespace changed by something else meanwhile:", { before, after });
  }
  t.false((await labStatus(NAME)).exists);
  await t.throwsAsync(fs.stat(path.join(LAB_ROOT, NAME)));
});
