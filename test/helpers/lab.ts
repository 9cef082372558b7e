import type { TestFn } from "ava";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { labDown, labUp, type Lab, type LabVmInfo } from "../../provider/lab";
import { sshdFiles } from "../../provider/lab/sshd";
import { pool } from "../../provider/ssh/pool";
import { connectionSchema, type ResolvedConnection } from "../../provider/ssh/connection";

/**
 * A test file's lab name and index, unless PULUMI_NETNS_TEST_LAB=name:index moves it (to run one
 * file beside a live copy of it, e.g. in a parallel worktree; one file per run then).
 */
export function testLab(name: string, index: number): { name: string; index: number } {
  const moved = process.env.PULUMI_NETNS_TEST_LAB?.match(/^([a-z0-9-]{1,12}):(\d{1,3})$/);
  if (process.env.PULUMI_NETNS_TEST_LAB && !moved) throw new Error(`PULUMI_NETNS_TEST_LAB must be name:index, e.g. d15a:86`);
  return moved ? { name: moved[1], index: Number(moved[2]) } : { name, index };
}

/**
 * Bring a lab up before a test file and down after it, even when tests fail.
 * Each file uses its own lab name and index, so labs never collide.
 */
export function useLab(test: TestFn, opts: { name: string; index: number; nodes: number }): () => Lab {
  let lab: Lab | undefined;
  opts = { ...opts, ...testLab(opts.name, opts.index) };
  test.before(async () => {
    await labDown(opts.name).catch(() => undefined); // a previous crashed run
    lab = await labUp(opts);
  });
  test.after.always(async () => {
    await pool.closeAll();
    await labDown(opts.name);
  });
  return () => {
    if (!lab) throw new Error("lab is not up");
    return lab;
  };
}

/** The resolved connection the providers take, as root with the host key pinned. */
export function rootConnection(vm: LabVmInfo): ResolvedConnection {
  return connectionSchema.parse({ host: vm.host, user: "root", privateKey: vm.privateKey, hostKey: vm.hostPublicKey });
}

/** The same, as the non-root lab user through sudo. */
export function sudoConnection(vm: LabVmInfo): ResolvedConnection {
  return connectionSchema.parse({ host: vm.host, user: vm.users.sudo, privateKey: vm.privateKey, hostKey: vm.hostPublicKey, sudo: true });
}

/** A lab VM's sshd log (the file provider/lab/sshd.ts names), to see host-side what reached the VM. */
export function sshdLog(lab: Lab, vm: LabVmInfo): string {
  return sshdFiles(path.join(lab.stateDir, `vm${vm.vm}`)).log;
}

/** Byte offsets of every VM's sshd log now, so a test reads only what a later command did there. */
export function sshdLogMarks(lab: Lab): Promise<number[]> {
  return Promise.all(lab.vms.map(async (vm) => (await fs.stat(sshdLog(lab, vm))).size));
}
