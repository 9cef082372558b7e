/**
 * Public lab API: whole labs (labUp/labDown/labStatus) and single VMs
 * (vmAdd/vmRemove, for a one-VM-per-resource provider). Every entry point
 * takes the lab's lock, is idempotent, and cleans up after itself on failure.
 */
import * as fs from "node:fs/promises";
import { ensureHost } from "./host";
import { ensureKey } from "./keys";
import { withLock } from "./lock";
import { LAB_ROOT, checkIndex, checkLabName, checkVm, defaultLabName, labDir, labNet, MAX_VM } from "./names";
import { checkSubnetFree, hasLink } from "./net";
import { checkSubnets, deleteBridges, deleteRouter, ensureBridges, ensureRouter, routerIp, subnetIndexes } from "./profile";
import { sshBanner } from "./sshd";
import { LabRecord, listLabs, listVms, readLab, readVm, writeLab } from "./state";
import type { Lab, LabOptions, LabStatus, LabUpOptions, LabVmInfo, LabVmStatus } from "./types";
import { authorizedKeysPath, userKeyPath, vmDown, vmPidLive, vmUp } from "./vm";

export { listLabs as labList };

function resolveName(opts: LabOptions): { name: string; index?: number; profile: Profile } {
  if (opts.index !== undefined) checkIndex(opts.index);
  const subnets = opts.subnets === undefined ? undefined : checkSubnets(opts.subnets);
  if (subnets !== undefined) checkIndex((opts.index ?? 0) + subnets - 1);
  return { name: checkLabName(opts.name ?? defaultLabName(opts.index ?? 0)), index: opts.index, profile: { hardened: opts.hardened, subnets } };
}

/** Profile options as given (undefined: not asked for). */
type Profile = Pick<LabOptions, "hardened" | "subnets">;

/** Create the lab's state dir, user key and record if missing; returns the record and whether it was new. */
async function ensureLab(name: string, index: number | undefined, profile: Profile = {}): Promise<{ rec: LabRecord; created: boolean }> {
  // Every time, not just for a new lab: /run/sshd is gone after a reboot.
  await withLock("_host", ensureHost); // "_": can never be a lab's lock name
  const have = await readLab(name);
  if (have) {
    if (index !== undefined && index !== have.index) {
      throw new Error(`lab ${name} exists with index ${have.index}, not ${index}; run down first`);
    }
    if ((profile.hardened !== undefined && profile.hardened !== (have.hardened ?? false)) || (profile.subnets !== undefined && profile.subnets !== (have.subnets ?? 1))) {
      throw new Error(`lab ${name} exists with hardened=${have.hardened ?? false} subnets=${have.subnets ?? 1}; run down first to change its profile`);
    }
    return { rec: have, created: false };
  }
  const rec: LabRecord = { name, index: index ?? 0, ...(profile.hardened ? { hardened: true } : {}), ...(profile.subnets && profile.subnets > 1 ? { subnets: profile.subnets } : {}) };
  const mine = subnetIndexes(rec);
  for (const other of await listLabs()) {
    const o = other === name ? null : await readLab(other);
    const clash = o ? subnetIndexes(o).find((x) => mine.includes(x)) : undefined;
    if (clash !== undefined) throw new Error(`lab index ${clash} is already used by lab ${other}`);
  }
  for (const x of mine) if (!(await hasLink(labNet(x).bridge))) await checkSubnetFree(x);
  // World-readable dirs: sshd reads authorized_keys as the logging-in user (root or pnetns).
  await fs.mkdir(LAB_ROOT, { recursive: true });
  await fs.chmod(LAB_ROOT, 0o755);
  await fs.mkdir(labDir(name), { recursive: true, mode: 0o755 });
  await writeLab(rec);
  await ensureKey(userKeyPath(name), `pulumi-netns-lab-${name}`);
  await fs.copyFile(`${userKeyPath(name)}.pub`, authorizedKeysPath(name));
  await fs.chmod(authorizedKeysPath(name), 0o644);
  return { rec, created: true };
}

/** Remove the lab's bridge and state dir (keys included). Its VMs must already be down. */
async function dropLab(name: string): Promise<void> {
  const rec = await readLab(name).catch(() => null);
  if (rec) {
    await deleteRouter(rec);
    await deleteBridges(rec);
  }
  await fs.rm(labDir(name), { recursive: true, force: true });
}

/** Tear down every VM of the lab and the lab itself; collects errors instead of stopping at the first. */
async function teardown(name: string): Promise<void> {
  const rec = await readLab(name).catch(() => null);
  const errors: unknown[] = [];
  if (rec) {
    for (const i of await listVms(name)) await vmDown(rec, i).catch((e) => errors.push(e));
  }
  if (errors.length === 0) await dropLab(name);
  if (errors.length) throw new AggregateError(errors, `lab ${name}: down failed: ${errors.map(String).join("; ")}`);
}

function labView(rec: LabRecord, vms: LabVmInfo[]): Lab {
  const net = labNet(rec.index);
  return {
    name: rec.name,
    index: rec.index,
    stateDir: labDir(rec.name),
    bridge: net.bridge,
    subnet: net.subnet,
    gateway: net.gateway,
    subnets: subnetIndexes(rec).map((x) => labNet(x).subnet),
    routerIps: subnetIndexes(rec).length > 1 ? subnetIndexes(rec).map(routerIp) : [],
    hardened: rec.hardened ?? false,
    privateKeyPath: userKeyPath(rec.name),
    vms,
  };
}

/**
 * Bring a lab to exactly `nodes` VMs (1..nodes), starting them in parallel.
 * On failure, everything this call created is removed again.
 */
export async function labUp(opts: LabUpOptions): Promise<Lab> {
  const { name, index, profile } = resolveName(opts);
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > MAX_VM) {
    throw new Error(`lab: nodes must be an integer 1..${MAX_VM}`);
  }
  return withLock(name, async () => {
    let created = false;
    const before = new Set(await listVms(name));
    const broken = new Set<number>();
    try {
      const lab = await ensureLab(name, index, profile);
      created = lab.created;
      await ensureBridges(lab.rec);
      await ensureRouter(lab.rec);
      const want = Array.from({ length: opts.nodes }, (_, k) => k + 1);
      const results = await Promise.allSettled(want.map((i) => vmUp(lab.rec, i)));
      results.forEach((r, k) => r.status === "rejected" && broken.add(want[k]));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
      for (const i of await listVms(name)) if (i > opts.nodes) await vmDown(lab.rec, i);
      return labView(lab.rec, results.map((r) => (r as PromiseFulfilledResult<LabVmInfo>).value));
    } catch (e) {
      await undo(name, created, before, broken).catch((u) => {
        (e as Error).message += `\n(cleanup after the failure also failed: ${String(u)})`;
      });
      throw e;
    }
  });
}

/** Remove what a failed call created or broke: the whole lab if it was new, else new and failed VMs. */
async function undo(name: string, created: boolean, before: Set<number>, broken: Set<number>): Promise<void> {
  if (created) return teardown(name);
  const rec = await readLab(name);
  if (!rec) return;
  for (const i of await listVms(name)) if (!before.has(i) || broken.has(i)) await vmDown(rec, i);
  if ((await listVms(name)).length === 0) await dropLab(name);
}

/** Tear a lab down completely. Safe to repeat, and after a half-failed up. */
export async function labDown(name: string): Promise<void> {
  checkLabName(name);
  await withLock(name, () => teardown(name));
  // Leave no empty /tmp/pulumi-netns-lab behind; fails harmlessly while other labs (or locks) exist.
  await fs.rmdir(LAB_ROOT).catch(() => {});
}

/** What is running; never changes anything. */
export async function labStatus(name: string): Promise<LabStatus> {
  checkLabName(name);
  const rec = await readLab(name);
  if (!rec) return { name, exists: false, index: null, bridge: null, bridgeUp: false, vms: [] };
  const bridge = labNet(rec.index).bridge;
  const vms: LabVmStatus[] = [];
  for (const i of await listVms(name)) {
    const vr = await readVm(name, i);
    if (!vr?.info) continue; // still starting or half-created
    const pid = await vmPidLive(vr);
    vms.push({ info: vr.info, pid, running: pid !== null, sshReady: pid !== null && (await sshBanner(vr.info.host, 22, 2000)) });
  }
  return { name, exists: true, index: rec.index, bridge, bridgeUp: await hasLink(bridge), vms };
}

/** The lab as `labUp` returned it, or null. */
export async function labGet(name: string): Promise<Lab | null> {
  const st = await labStatus(name);
  if (!st.exists || st.index === null) return null;
  const rec = await readLab(name);
  return labView(rec ?? { name, index: st.index }, st.vms.map((v) => v.info));
}

/**
 * Add (or confirm) VM i, creating the lab and its bridge if this is the
 * first VM. On failure the VM, and the lab if it was new, are removed.
 */
export async function vmAdd(lab: LabOptions, i: number): Promise<LabVmInfo> {
  const { name, index, profile } = resolveName(lab);
  checkVm(i);
  return withLock(name, async () => {
    let created = false;
    let started = false;
    try {
      const l = await ensureLab(name, index, profile);
      created = l.created;
      await ensureBridges(l.rec);
      await ensureRouter(l.rec);
      started = true;
      return await vmUp(l.rec, i);
    } catch (e) {
      const rec = await readLab(name).catch(() => null);
      // A VM whose start failed is half-built either way: remove it, and the lab if now empty.
      if (rec && started) await vmDown(rec, i).catch(() => {});
      if (created || (rec && (await listVms(name)).length === 0)) await teardown(name).catch(() => {});
      throw e;
    }
  });
}

/** Remove VM i; the last VM to go takes the bridge and the lab's state (keys) with it. */
export async function vmRemove(name: string, i: number): Promise<void> {
  checkLabName(name);
  checkVm(i);
  await withLock(name, async () => {
    const rec = await readLab(name);
    if (!rec) return;
    await vmDown(rec, i);
    if ((await listVms(name)).length === 0) await dropLab(name);
  });
  await fs.rmdir(LAB_ROOT).catch(() => {});
}
