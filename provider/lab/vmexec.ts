/**
 * Run a command inside a lab VM without SSH: nsenter into its sshd's network,
 * mount and UTS namespaces, so the command sees exactly what a login sees
 * (eth0, the VM's private /run/netns, its hostname). For tests and demos.
 */
import { runLocal, RunOptions, RunResult } from "./exec";
import { checkVm } from "./names";
import { readVm } from "./state";
import type { LabVmInfo } from "./types";
import { vmPidLive } from "./vm";

export type VmRef = Pick<LabVmInfo, "lab" | "vm">;

export async function vmExec(vm: VmRef, argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  checkVm(vm.vm);
  if (argv.length === 0) throw new Error("vmExec: empty argv");
  const pid = await vmPidLive(await readVm(vm.lab, vm.vm));
  if (pid === null) throw new Error(`lab ${vm.lab}: VM ${vm.vm} is not running`);
  return runLocal(["nsenter", "-t", String(pid), "-n", "-m", "-u", "--", ...argv], opts);
}
