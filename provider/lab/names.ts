/**
 * The lab's naming and addressing scheme, in one place. Everything that
 * reaches a command line is derived from a validated lab name, a lab index
 * and a VM number, so nothing else needs validating downstream.
 */
import * as path from "node:path";

/** Root of all lab state; one sub-directory per lab. */
export const LAB_ROOT = process.env.PULUMI_NETNS_LAB_DIR ?? "/tmp/pulumi-netns-lab";

/** Non-root login with passwordless sudo, present on every lab VM. */
export const SUDO_USER = "pnetns";

/** Highest VM number: VM i gets host .10+i, which must stay below .255. */
export const MAX_VM = 200;
export const MAX_INDEX = 254;

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,11}$/;

/** Lab names: [a-z0-9-], at most 12 chars, so `pnl-<lab>-<i>` stays short. */
export function checkLabName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new Error(`lab name ${JSON.stringify(name)}: use 1-12 chars of [a-z0-9-], starting with [a-z0-9]`);
  }
  return name;
}

export function checkIndex(index: number): number {
  if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) {
    throw new Error(`lab index ${index}: must be an integer 0..${MAX_INDEX}`);
  }
  return index;
}

export function checkVm(i: number): number {
  if (!Number.isInteger(i) || i < 1 || i > MAX_VM) {
    throw new Error(`lab VM number ${i}: must be an integer 1..${MAX_VM}`);
  }
  return i;
}

/** The default lab name for an index, so two indexes never share a state dir. */
export function defaultLabName(index: number): string {
  return `lab${checkIndex(index)}`;
}

export function labDir(lab: string): string {
  return path.join(LAB_ROOT, checkLabName(lab));
}

export function vmDir(lab: string, i: number): string {
  return path.join(labDir(lab), `vm${checkVm(i)}`);
}

/** Names and addresses of one lab; interface names use the index (IFNAMSIZ is 16). */
export function labNet(index: number) {
  checkIndex(index);
  const hex = index.toString(16).padStart(2, "0");
  return {
    bridge: `pnlbr${index}`,
    subnet: `10.250.${index}.0/24`,
    gateway: `10.250.${index}.1`,
    prefixLen: 24,
    // Fixed bridge MAC: otherwise it follows the lowest port MAC and flaps as VMs come and go.
    bridgeMac: `02:70:6e:6c:${hex}:00`,
  };
}

/** Names and addresses of VM i of a lab. */
export function vmNet(lab: string, index: number, i: number, netIndex = index) {
  checkLabName(lab);
  checkIndex(index);
  checkIndex(netIndex);
  checkVm(i);
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return {
    name: `${lab}-vm${i}`,
    netns: `pnl-${lab}-${i}`,
    hostVeth: `pnl${index}v${i}`, // root-side end, enslaved to the bridge
    peerVeth: `pnl${index}p${i}`, // temporary name of the VM end before it becomes eth0
    ip: `10.250.${netIndex}.${10 + i}`, // on LAN subnet netIndex (the lab's own unless routed)
    mac: `02:70:6e:6c:${hex(index)}:${hex(i)}`,
  };
}
