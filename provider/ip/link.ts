import type { Argv } from "../ssh/quote";
import { ip } from "./command";

/**
 * Link primitives, one per kernel operation (cf. netlink's LinkAdd, LinkSetMaster, ...).
 * `ns` is the network namespace the link lives in (undefined: the host's).
 */

/** `ip [-n NS] link add name NAME [address MAC] [mtu M] type bridge [stp_state S]` */
export function linkAddBridge(ns: string | undefined, name: string, opts: { mtu?: number; stp?: boolean; address?: string } = {}): Argv {
  return ip(ns, "link", "add", "name", name, ...addrArgs(opts.address), ...mtuArgs(opts.mtu), "type", "bridge",
    ...(opts.stp === undefined ? [] : ["stp_state", opts.stp ? "1" : "0"]));
}

/**
 * `ip [-n NS] link add name NAME [mtu M] [netns NS1] type veth peer name PEER [mtu M] [netns NS2]`.
 * Both ends are created directly in their namespaces in one netlink call: nothing half-moved.
 */
export function linkAddVeth(
  ns: string | undefined,
  name: string,
  peer: { name: string; namespace?: string; address?: string },
  opts: { mtu?: number; namespace?: string; address?: string } = {},
): Argv {
  return ip(
    ns,
    "link", "add", "name", name, ...addrArgs(opts.address), ...mtuArgs(opts.mtu), ...(opts.namespace ? ["netns", opts.namespace] : []),
    "type", "veth", "peer", "name", peer.name, ...addrArgs(peer.address), ...mtuArgs(opts.mtu), ...(peer.namespace ? ["netns", peer.namespace] : []),
  );
}

/** `ip [-n NS] link del dev NAME` */
export const linkDel = (ns: string | undefined, name: string): Argv => ip(ns, "link", "del", "dev", name);

/** `ip [-n NS] link set dev NAME up|down` */
export const linkSetUp = (ns: string | undefined, name: string, up = true): Argv => ip(ns, "link", "set", "dev", name, up ? "up" : "down");

/** `ip [-n NS] link set dev NAME master BRIDGE` */
export const linkSetMaster = (ns: string | undefined, name: string, master: string): Argv => ip(ns, "link", "set", "dev", name, "master", master);

/** `ip [-n NS] link set dev NAME nomaster` */
export const linkSetNoMaster = (ns: string | undefined, name: string): Argv => ip(ns, "link", "set", "dev", name, "nomaster");

/** `ip [-n NS] link set dev NAME mtu M` */
export const linkSetMtu = (ns: string | undefined, name: string, mtu: number): Argv => ip(ns, "link", "set", "dev", name, "mtu", String(mtu));

/** `ip [-n NS] link set dev NAME alias TEXT`: our ownership mark (IFLA_IFALIAS). */
export const linkSetAlias = (ns: string | undefined, name: string, alias: string): Argv => ip(ns, "link", "set", "dev", name, "alias", alias);

/** `ip [-n NS] link set dev NAME type bridge stp_state 0|1` */
export const linkSetBridgeStp = (ns: string | undefined, name: string, stp: boolean): Argv =>
  ip(ns, "link", "set", "dev", name, "type", "bridge", "stp_state", stp ? "1" : "0");

/** `ip [-n NS] -json -details link show dev NAME`: the link with its kind's own data (`linkinfo.info_data`, e.g. a vxlan's VNI). */
export const linkShowDetails = (ns: string | undefined, name: string): Argv => ip(ns, "-json", "-details", "link", "show", "dev", name);

/** `ip [-n NS] link show dev NAME`: exit status says whether it exists. */
export const linkExists = (ns: string | undefined, name: string): Argv => ip(ns, "link", "show", "dev", name);

function addrArgs(mac?: string): string[] {
  return mac === undefined ? [] : ["address", mac];
}

function mtuArgs(mtu?: number): string[] {
  return mtu === undefined ? [] : ["mtu", String(mtu)];
}
