/** The local lab: emulated SSH hosts (netns + private mount ns + sshd) on this machine. */
export { labUp, labDown, labStatus, labGet, labList, vmAdd, vmRemove } from "./lab";
export { vmExec } from "./vmexec";
export type { VmRef } from "./vmexec";
export { LabCommandError } from "./exec";
export type { RunOptions, RunResult } from "./exec";
export { LAB_ROOT, SUDO_USER, defaultLabName } from "./names";
export type { Lab, LabOptions, LabStatus, LabUpOptions, LabVmInfo, LabVmStatus } from "./types";
