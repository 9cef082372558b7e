/**
 * Bring one VM up or down. Internal: callers hold the lab lock and have made
 * sure the lab (keys, state dir) and its bridge exist.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { runLocal } from "./exec";
import { ensureKey, fingerprint, publicKey } from "./keys";
import { SUDO_USER, labDir, vmDir, vmNet } from "./names";
import { applyProfile, vmNetOf } from "./profile";
import { deleteVmNet, ensureVmNet, hasNetns } from "./net";
import { bootId, killAll, killUtsNamespace, nsId, pidAlive } from "./procs";
import { sshBanner, spawnSshd, sshdFiles, waitSshReady, writeSshdFiles } from "./sshd";
import { LabRecord, VmRecord, readVm, writeVm } from "./state";
import type { LabVmInfo } from "./types";

export const userKeyPath = (lab: string) => path.join(labDir(lab), "id_ed25519");
export const authorizedKeysPath = (lab: string) => path.join(labDir(lab), "authorized_keys");

/** The pid is still this VM's sshd (not dead, not a recycled pid). */
export async function vmPidLive(rec: VmRecord | null): Promise<number | null> {
  if (!rec?.pid || !rec.uts || rec.boot !== (await bootId())) return null;
  return (await pidAlive(rec.pid)) && (await nsId(rec.pid, "uts")) === rec.uts ? rec.pid : null;
}

async function readHostKey(file: string): Promise<{ priv: string; pub: string } | null> {
  try {
    return { priv: await fs.readFile(file, "utf8"), pub: await fs.readFile(`${file}.pub`, "utf8") };
  } catch {
    return null;
  }
}

/** Bring VM i up (or confirm it is up); returns its connection info. */
export async function vmUp(lab: LabRecord, i: number): Promise<LabVmInfo> {
  const existing = await readVm(lab.name, i);
  if (existing?.info && (await vmPidLive(existing)) && (await sshBanner(existing.info.host, 22, 2000))) {
    return existing.info;
  }
  const v = vmNetOf(lab, i);
  const dir = vmDir(lab.name, i);
  const f = sshdFiles(dir);
  // Anything half-there (dead sshd, e.g. after a reboot, or a failed attempt) is cleared and
  // rebuilt, keeping the host key so clients that pinned it still connect.
  const keep = existing ? await readHostKey(f.hostKey) : null;
  if (existing) await vmDown(lab, i);

  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  await writeVm(lab.name, { vm: i }); // recorded before anything exists, so down can find it
  if (keep) {
    await fs.writeFile(f.hostKey, keep.priv, { mode: 0o600 });
    await fs.writeFile(`${f.hostKey}.pub`, keep.pub, { mode: 0o644 });
  }

  await ensureVmNet(lab, i);
  await applyProfile(lab, i);
  await ensureKey(f.hostKey, `${v.name}-host`);
  await writeSshdFiles(f, { ip: v.ip, hostname: v.name, authorizedKeys: authorizedKeysPath(lab.name) });

  const boot = await bootId();
  const pid = await spawnSshd(f, v.netns, v.name);
  await writeVm(lab.name, { vm: i, boot, pid });
  await waitSshReady(f, pid, v.ip);
  const uts = await nsId(pid, "uts");
  const mnt = await nsId(pid, "mnt");
  if (!uts || !mnt || uts === (await nsId("self", "uts"))) {
    throw new Error(`lab: sshd ${pid} of ${v.name} is not in its own UTS namespace`);
  }

  const info: LabVmInfo = {
    name: v.name,
    lab: lab.name,
    vm: i,
    host: v.ip,
    port: 22,
    users: { root: "root", sudo: SUDO_USER },
    privateKeyPath: userKeyPath(lab.name),
    privateKey: await fs.readFile(userKeyPath(lab.name), "utf8"),
    hostPublicKey: await publicKey(`${f.hostKey}.pub`),
    hostKeyFingerprint: await fingerprint(`${f.hostKey}.pub`),
    netns: v.netns,
    lanIp: v.ip,
  };
  await writeVm(lab.name, { vm: i, boot, pid, uts, mnt, info });
  return info;
}

/** Tear VM i down completely: its processes, netns, veth and state dir. Idempotent; the bridge is the lab's. */
export async function vmDown(lab: LabRecord, i: number): Promise<void> {
  const v = vmNet(lab.name, lab.index, i);
  const dir = vmDir(lab.name, i);
  const stored = await readVm(lab.name, i).catch(() => null);
  // Recorded pids and namespace ids from before a reboot could now name someone else's processes.
  const rec = stored?.boot === (await bootId()) ? stored : null;

  // 1. Every process of the VM, found by its UTS namespace (covers nested netns too). The
  //    recorded ns id is trusted only while the recorded sshd still holds it: once a namespace
  //    is gone the kernel may give its id to someone else's new namespace.
  let uts: string | null = null;
  if (await vmPidLive(rec)) {
    uts = rec!.uts!;
  } else if (rec?.pid && (await pidAlive(rec.pid))) {
    // Crashed between spawn and "ready": trust the pid only if it is still our sshd chain.
    const cmd = await fs.readFile(`/proc/${rec.pid}/cmdline`, "utf8").catch(() => "");
    if (cmd.includes(path.join(dir, "sshd_config"))) {
      const u = await nsId(rec.pid, "uts");
      if (u && u !== (await nsId("self", "uts"))) uts = u;
      else await killAll([rec.pid]);
    }
  }
  if (uts) await killUtsNamespace(uts);

  // 2. Anything else still inside the VM's netns (started from the host with `ip netns exec`,
  //    or left behind by a VM whose sshd died on its own).
  if (await hasNetns(v.netns)) {
    const r = await runLocal(["ip", "netns", "pids", v.netns], { allowFail: true });
    const pids = r.stdout.split(/\s+/).filter(Boolean).map(Number).filter((p) => p !== process.pid);
    if (pids.length) await killAll(pids);
  }

  // 3. Network, then state.
  await deleteVmNet(lab.name, lab.index, i);
  await fs.rm(dir, { recursive: true, force: true });
}
