/**
 * What the root program's resources look like on a lab VM, read without SSH (vmExec),
 * so a fault test can compare what state claims with what really exists.
 */
import { readFile } from "node:fs/promises";
import { vmExec, type LabVmInfo } from "../../provider/lab";
import { runLocal } from "../../provider/lab/exec";

/** Our marks: `pulumi-netns:<owner>` (the previous release: `pulumi-netns` alone). */
const isOurMark = (alias?: string) => alias === "pulumi-netns" || !!alias?.startsWith("pulumi-netns:");

async function json<T>(vm: LabVmInfo, argv: string[]): Promise<T> {
  const r = await vmExec(vm, argv, { allowFail: true });
  return JSON.parse(r.stdout.trim() || "[]") as T;
}

export async function netnsList(vm: LabVmInfo): Promise<string[]> {
  return (await json<Array<{ name: string }>>(vm, ["ip", "-json", "netns", "list"])).map((n) => n.name).sort();
}

/** Links carrying our owner mark (ifalias) in the VM's host namespace. */
export async function ownedLinks(vm: LabVmInfo): Promise<string[]> {
  return (await json<Array<{ ifname: string; ifalias?: string }>>(vm, ["ip", "-json", "link", "show"]))
    .filter((l) => isOurMark(l.ifalias))
    .map((l) => l.ifname)
    .sort();
}

/** Destinations of our routes (proto 157) in a namespace of the VM (or its host namespace). */
export async function ownedRoutes(vm: LabVmInfo, ns?: string): Promise<string[]> {
  const argv = ns ? ["ip", "-n", ns, "-json", "route", "show", "proto", "157"] : ["ip", "-json", "route", "show", "proto", "157"];
  return (await json<Array<{ dst: string }>>(vm, argv)).map((r) => r.dst).sort();
}

/** Comments of the nat/POSTROUTING rules. */
export async function natComments(vm: LabVmInfo): Promise<string[]> {
  const r = await vmExec(vm, ["iptables", "-w", "-t", "nat", "-S", "POSTROUTING"], { allowFail: true });
  return [...r.stdout.matchAll(/--comment "?([^"\s]+)"?/g)].map((m) => m[1]).sort();
}

export async function ipForward(vm: LabVmInfo): Promise<string> {
  return (await vmExec(vm, ["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim();
}

/**
 * Resource name → whether its object exists on the node, for every host object the
 * root program declares per node (examples/two-node + NodeNetwork with the default
 * namespaces NS1/NS2 and one peer). Pings have no object on the host and are not listed.
 * The sysctl counts as present when ip_forward is 1 (the only thing we can see).
 */
export async function liveObjects(vm: LabVmInfo, node: string, stackName: string, peerSubnet: string): Promise<Record<string, boolean>> {
  const links = await ownedLinks(vm);
  const netns = await netnsList(vm);
  const hostRoutes = await ownedRoutes(vm);
  const nat = await natComments(vm);
  const live: Record<string, boolean> = {
    [`${node}-bridge`]: links.includes("br0"),
    [`${node}-peer-1`]: hostRoutes.includes(peerSubnet),
    [`${node}-masquerade`]: nat.includes(`pulumi-netns:${stackName}:${node}-masquerade`),
    [`${node}-ip-forward`]: (await ipForward(vm)) === "1",
  };
  for (const [k, ns] of [[1, "NS1"], [2, "NS2"]] as const) {
    live[`${node}-${ns}`] = netns.includes(ns);
    live[`${node}-${ns}-veth`] = links.includes(`veth${k}0`);
    live[`${node}-${ns}-default`] = netns.includes(ns) && (await ownedRoutes(vm, ns)).includes("default");
  }
  return live;
}

/** Processes in a lab VM's network namespace (seen from this machine), with their command lines. */
export async function vmProcesses(vm: LabVmInfo): Promise<Array<{ pid: number; cmd: string }>> {
  const r = await runLocal(["ip", "netns", "pids", vm.netns], { allowFail: true });
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const pid of r.stdout.split(/\s+/).filter(Boolean).map(Number)) {
    const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
    if (cmd) out.push({ pid, cmd });
  }
  return out;
}

/** sshd's per-connection processes ("sshd: root@notty"), never its listener. */
export const isSshSession = (cmd: string) => /^sshd: [A-Za-z_][A-Za-z0-9_.-]*@/.test(cmd);

/** A create script of ours still running (its text starts with the undo bookkeeping). */
export const isCreateScript = (cmd: string) => cmd.startsWith("sh -c ") && cmd.includes("undo=''");
