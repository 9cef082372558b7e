/**
 * Root-namespace plumbing: the lab bridge and, per VM, a netns plus a veth
 * whose host end sits on the bridge and whose VM end is the VM's eth0.
 * Every step is idempotent and every delete tolerates "already gone".
 */
import { runLocal } from "./exec";
import { labNet, vmNet } from "./names";
import { vmNetOf, vmSubnetIndex } from "./profile";
import type { LabRecord } from "./state";

/** Is there a link of this name in the root namespace? (Not the builder `ip/link.ts` linkExists, which returns argv.) */
export async function hasLink(name: string): Promise<boolean> {
  return (await runLocal(["ip", "link", "show", "dev", name], { allowFail: true })).code === 0;
}

/** Does `ip netns list` show this namespace? */
export async function hasNetns(name: string): Promise<boolean> {
  const r = await runLocal(["ip", "-json", "netns", "list"], { allowFail: true });
  const list = (r.stdout.trim() ? JSON.parse(r.stdout) : []) as { name: string }[];
  return list.some((n) => n.name === name);
}

/** Refuse an index whose subnet is already used by something that is not this lab's bridge. */
export async function checkSubnetFree(index: number): Promise<void> {
  const net = labNet(index);
  const r = await runLocal(["ip", "-4", "-json", "route", "show", "root", net.subnet]);
  const routes = (r.stdout.trim() ? JSON.parse(r.stdout) : []) as { dst: string; dev?: string }[];
  const foreign = routes.filter((x) => x.dev !== net.bridge);
  if (foreign.length > 0) {
    throw new Error(`lab: ${net.subnet} is already routed on this host (${JSON.stringify(foreign)}); pick another lab index`);
  }
}

export async function ensureBridge(index: number): Promise<void> {
  const net = labNet(index);
  if (!(await hasLink(net.bridge))) {
    await runLocal(["ip", "link", "add", net.bridge, "address", net.bridgeMac, "type", "bridge"]);
  }
  await runLocal(["ip", "addr", "replace", `${net.gateway}/${net.prefixLen}`, "dev", net.bridge]);
  await runLocal(["ip", "link", "set", net.bridge, "up"]);
}

export async function deleteBridge(index: number): Promise<void> {
  await deleteLink(labNet(index).bridge);
}

export async function deleteLink(name: string): Promise<void> {
  if (await hasLink(name)) await runLocal(["ip", "link", "del", "dev", name], { allowFail: true });
}

/** The VM's netns with lo up and eth0 (lab IP) plugged into the bridge. */
export async function ensureVmNet(rec: LabRecord, i: number): Promise<void> {
  const net = labNet(vmSubnetIndex(rec, i));
  const vm = vmNetOf(rec, i);
  const inVm = (...argv: string[]) => runLocal(["ip", "-n", vm.netns, ...argv]);
  if (!(await hasNetns(vm.netns))) await runLocal(["ip", "netns", "add", vm.netns]);
  await inVm("link", "set", "lo", "up");
  const hasEth0 = (await runLocal(["ip", "-n", vm.netns, "link", "show", "dev", "eth0"], { allowFail: true })).code === 0;
  if (!hasEth0) {
    await deleteLink(vm.hostVeth); // a leftover host end from a failed attempt
    // The VM end is created directly inside the netns with its final MAC, then renamed eth0.
    await runLocal(["ip", "link", "add", vm.hostVeth, "type", "veth", "peer", "name", vm.peerVeth,
      "address", vm.mac, "netns", vm.netns]);
    await inVm("link", "set", "dev", vm.peerVeth, "name", "eth0");
  }
  await runLocal(["ip", "link", "set", "dev", vm.hostVeth, "master", net.bridge]);
  await runLocal(["ip", "link", "set", "dev", vm.hostVeth, "up"]);
  await inVm("addr", "replace", `${vm.ip}/${net.prefixLen}`, "dev", "eth0");
  await inVm("link", "set", "dev", "eth0", "up");
}

/** Delete the VM's netns (which takes eth0 and so the whole veth pair with it) and any host end left. */
export async function deleteVmNet(lab: string, index: number, i: number): Promise<void> {
  const vm = vmNet(lab, index, i);
  if (await hasNetns(vm.netns)) await runLocal(["ip", "netns", "del", vm.netns]);
  await deleteLink(vm.hostVeth);
}
