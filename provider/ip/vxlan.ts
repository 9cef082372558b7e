import type { Argv } from "../ssh/quote";
import { ip } from "./command";

/** The all-zero MAC: a flood entry (broadcast, unknown unicast, multicast) in a VXLAN device's FDB. */
export const FLOOD_MAC = "00:00:00:00:00:00";

export interface VxlanOpts {
  vni: number;
  /** Our underlay (LAN) address, the tunnel's source. */
  local: string;
  /** The underlay device. */
  device: string;
  /** UDP destination port (IANA 4789). */
  port: number;
  mtu?: number;
  address?: string;
}

/**
 * `ip [-n NS] link add name NAME [address MAC] [mtu M] type vxlan id VNI dstport PORT local IP dev DEV nolearning`.
 * `nolearning`: remote MACs come from the flood entries we add, not from source learning.
 */
export function linkAddVxlan(ns: string | undefined, name: string, o: VxlanOpts): Argv {
  return ip(ns, "link", "add", "name", name, ...(o.address ? ["address", o.address] : []), ...(o.mtu === undefined ? [] : ["mtu", String(o.mtu)]),
    "type", "vxlan", "id", String(o.vni), "dstport", String(o.port), "local", o.local, "dev", o.device, "nolearning");
}

/** `bridge fdb append 00:00:00:00:00:00 dev NAME dst PEER`: flood to PEER (one entry per peer: head-end replication). */
export const bridgeFdbAppend = (ns: string | undefined, dev: string, dst: string): Argv =>
  bridge(ns, "fdb", "append", FLOOD_MAC, "dev", dev, "dst", dst);

/** `bridge fdb del 00:00:00:00:00:00 dev NAME dst PEER`: stop flooding to PEER. */
export const bridgeFdbDel = (ns: string | undefined, dev: string, dst: string): Argv =>
  bridge(ns, "fdb", "del", FLOOD_MAC, "dev", dev, "dst", dst);

/** `bridge [-n NS] -json fdb show dev NAME`: the device's FDB, flood entries included. */
export const bridgeFdbShow = (ns: string | undefined, dev: string): Argv => bridge(ns, "-json", "fdb", "show", "dev", dev);

function bridge(ns: string | undefined, ...args: string[]): Argv {
  return ns ? ["bridge", "-n", ns, ...args] : ["bridge", ...args];
}

/** Flood destinations in `bridge -json fdb show` output. */
export function parseFloodPeers(json: string): string[] {
  const t = json.trim();
  if (!t) return [];
  return (JSON.parse(t) as Array<{ mac: string; dst?: string }>).filter((e) => e.mac === FLOOD_MAC && e.dst).map((e) => e.dst as string);
}
