/**
 * On-disk lab state: <LAB_ROOT>/<lab>/lab.json and vm<i>/vm.json. The state
 * dir is the source of truth for `down`, so every resource is recorded
 * before it is created (a half-failed `up` can then still be cleaned).
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { LAB_ROOT, checkLabName, labDir, vmDir } from "./names";
import type { LabVmInfo } from "./types";

export interface LabRecord {
  name: string;
  index: number;
  /** Profile `hardened`: FORWARD policy DROP and bridge-nf-call-iptables=1 in every VM. */
  hardened?: boolean;
  /** Routed topology: LAN subnets (indexes index..index+subnets-1) joined by a router namespace. Default 1. */
  subnets?: number;
}

/** What the lab knows about one VM; `info` appears once the VM is up. */
export interface VmRecord {
  vm: number;
  /** Kernel boot id when pid/uts/mnt were recorded (/tmp may outlive a reboot). */
  boot?: string;
  /** Pid of the VM's sshd (which is also the VM's "init"). */
  pid?: number;
  /** Namespace ids of that pid, to recognise the VM's processes (and pid reuse). */
  uts?: string;
  mnt?: string;
  info?: LabVmInfo;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** Write via rename, so a crash never leaves half a JSON file. */
async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(value, null, 2) + "\n", { mode: 0o644 });
  await fs.rename(tmp, file);
}

export const readLab = (lab: string) => readJson<LabRecord>(path.join(labDir(lab), "lab.json"));
export const writeLab = (rec: LabRecord) => writeJson(path.join(labDir(rec.name), "lab.json"), rec);
export const readVm = (lab: string, i: number) => readJson<VmRecord>(path.join(vmDir(lab, i), "vm.json"));
export const writeVm = (lab: string, rec: VmRecord) => writeJson(path.join(vmDir(lab, rec.vm), "vm.json"), rec);

/** VM numbers that have a state dir, ascending. */
export async function listVms(lab: string): Promise<number[]> {
  const ents = await fs.readdir(labDir(lab)).catch(() => [] as string[]);
  return ents
    .map((e) => /^vm(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Names of all labs with a state dir. */
export async function listLabs(): Promise<string[]> {
  const ents = await fs.readdir(LAB_ROOT).catch(() => [] as string[]);
  return ents.filter((e) => {
    try {
      return checkLabName(e) === e;
    } catch {
      return false;
    }
  }).sort();
}
