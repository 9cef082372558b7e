/**
 * Lab profiles: `hardened` VMs (FORWARD policy DROP, bridge netfilter on) and the routed
 * topology (VMs on several LAN subnets joined by a router namespace). Both are fixed in the
 * lab's record when it is created, so VMs added later (vmAdd, LabVm) get the same.
 */
import { runLocal } from "./exec";
import { checkLabName, labNet, vmNet } from "./names";
import { deleteLink, ensureBridge, deleteBridge, hasLink, hasNetns } from "./net";
import type { LabRecord } from "./state";

export const MAX_SUBNETS = 4;

export const subnetCount = (rec: LabRecord): number => rec.subnets ?? 1;

/** Lab indexes the lab's subnets take: index..index+subnets-1. */
export const subnetIndexes = (rec: LabRecord): number[] => Array.from({ length: subnetCount(rec) }, (_, s) => rec.index + s);

/** The LAN subnet index of VM i: round-robin over the lab's subnets. */
export const vmSubnetIndex = (rec: LabRecord, i: number): number => rec.index + ((i - 1) % subnetCount(rec));

/** The VM's names and addresses, on its own LAN subnet. */
export const vmNetOf = (rec: LabRecord, i: number) => vmNet(rec.name, rec.index, i, vmSubnetIndex(rec, i));

export const routerNetns = (lab: string) => `pnl-${checkLabName(lab)}-r`;
export const routerIp = (netIndex: number) => `10.250.${netIndex}.254`;

export function checkSubnets(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SUBNETS) throw new Error(`lab subnets ${n}: must be an integer 1..${MAX_SUBNETS}`);
  return n;
}

/** Every LAN bridge of the lab (one per subnet). */
export async function ensureBridges(rec: LabRecord): Promise<void> {
  for (const x of subnetIndexes(rec)) await ensureBridge(x);
}

export async function deleteBridges(rec: LabRecord): Promise<void> {
  for (const x of subnetIndexes(rec)) await deleteBridge(x);
}

/** The router of a routed lab: a namespace with one leg (.254) on each subnet's bridge, forwarding between them. */
export async function ensureRouter(rec: LabRecord): Promise<void> {
  if (subnetCount(rec) < 2) return;
  const ns = routerNetns(rec.name);
  if (!(await hasNetns(ns))) await runLocal(["ip", "netns", "add", ns]);
  await runLocal(["ip", "-n", ns, "link", "set", "lo", "up"]);
  await runLocal(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
  for (const [s, x] of subnetIndexes(rec).entries()) {
    const host = `pnl${rec.index}r${s}`;
    const leg = `eth${s}`;
    if ((await runLocal(["ip", "-n", ns, "link", "show", "dev", leg], { allowFail: true })).code !== 0) {
      await deleteLink(host);
      await runLocal(["ip", "link", "add", host, "type", "veth", "peer", "name", `pnl${rec.index}q${s}`, "netns", ns]);
      await runLocal(["ip", "-n", ns, "link", "set", "dev", `pnl${rec.index}q${s}`, "name", leg]);
    }
    await runLocal(["ip", "link", "set", "dev", host, "master", labNet(x).bridge]);
    await runLocal(["ip", "link", "set", "dev", host, "up"]);
    await runLocal(["ip", "-n", ns, "addr", "replace", `${routerIp(x)}/24`, "dev", leg]);
    await runLocal(["ip", "-n", ns, "link", "set", "dev", leg, "up"]);
  }
}

export async function deleteRouter(rec: LabRecord): Promise<void> {
  const ns = routerNetns(rec.name);
  if (await hasNetns(ns)) await runLocal(["ip", "netns", "del", ns]);
  for (let s = 0; s < subnetCount(rec); s++) if (await hasLink(`pnl${rec.index}r${s}`)) await deleteLink(`pnl${rec.index}r${s}`);
}

/** Inside VM i's namespace: routes to the other subnets via the router, and the hardened settings. */
export async function applyProfile(rec: LabRecord, i: number): Promise<void> {
  const v = vmNetOf(rec, i);
  const own = vmSubnetIndex(rec, i);
  for (const x of subnetIndexes(rec)) {
    if (x !== own) await runLocal(["ip", "-n", v.netns, "route", "replace", labNet(x).subnet, "via", routerIp(own), "dev", "eth0"]);
  }
  if (rec.hardened) {
    await runLocal(["ip", "netns", "exec", v.netns, "iptables", "-w", "-P", "FORWARD", "DROP"]);
    await runLocal(["ip", "netns", "exec", v.netns, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1"]);
  }
}
