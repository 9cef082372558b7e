/**
 * The drawing's model: hosts, each with its bridges, namespaces (interfaces, addresses,
 * routes), veth links, routes and overlays to other hosts, and rules as badges; every
 * element carries the change a preview plans for it. Renderers only read this.
 */
import type { Change } from "./input";

/** One line of text in the picture, e.g. an address; `old` is its value before a change. */
export interface Item {
  text: string;
  change: Change;
  old?: string;
}

export interface BridgeNode {
  name: string;
  change: Change;
  addresses: Item[];
  /** Other things plugged into the bridge (VXLAN devices). */
  ports: Item[];
}

export interface NamespaceNode {
  name: string;
  change: Change;
  /** Interfaces with their addresses, e.g. "veth11 172.16.0.2/24". */
  ifaces: Item[];
  routes: Item[];
  badges: Item[];
  /** The veth pair that plugs it into a bridge of its host. */
  uplink?: { bridge: string; label: string; change: Change };
  /** Veth pairs to other namespaces of the host (no bridge), shown as text. */
  peers: Item[];
}

export interface HostNode {
  /** The host address (plus ":port" when not 22), never anything from a secret. */
  address: string;
  /** Grouping names that say what the host is (NodeNetwork component, LabVm), e.g. "node1". */
  titles: string[];
  change: Change;
  bridges: BridgeNode[];
  namespaces: NamespaceNode[];
  /** Namespaces not drawn (beyond the per-host limit). */
  collapsed: number;
  /** Routes of the host namespace. */
  routes: Item[];
  /** NAT/filter rules and sysctls (ip_forward). */
  badges: Item[];
  /** Host-namespace veth links and pulumi-netns resources this version does not know. */
  others: Item[];
}

/** A route or an overlay from one host to another (both drawn). */
export interface HostLink {
  from: string;
  to: string;
  kind: "route" | "overlay";
  label: string;
  change: Change;
}

export interface NetworkGraph {
  source: "export" | "preview";
  /** The preview lacks its unchanged resources (no --show-sames): only the changed part is drawn. */
  partial: boolean;
  hosts: HostNode[];
  /** Hosts not drawn (beyond the limit). */
  collapsedHosts: number;
  links: HostLink[];
  /** How many resources of ours the input plans to add, remove, change, replace. */
  changes: Record<Exclude<Change, "same">, number>;
}

/** The limits that keep a picture readable; beyond them elements are collapsed and counted. */
export const MAX_HOSTS = 8;
export const MAX_NAMESPACES = 25;

/** The marker each change gets in text (Pulumi's own symbols), so a picture reads without colour. */
export const MARKER: Record<Change, string> = { same: "", added: "+", removed: "-", changed: "~", replaced: "+-" };
export const CHANGE_WORD: Record<Exclude<Change, "same">, string> = { added: "added", removed: "removed", changed: "changed", replaced: "replaced" };

/** An item's text with its marker and, when changed, its old value: "~ 172.16.1.2/24 -> 172.16.1.9/24". */
export function itemText(i: Item): string {
  const body = i.old !== undefined && i.old !== i.text ? changeText(i.old, i.text) : i.text;
  return i.change === "same" ? body : `${MARKER[i.change]} ${body}`;
}

export function labelWithMarker(text: string, change: Change): string {
  return change === "same" ? text : `${MARKER[change]} ${text}`;
}

/** "veth11 172.16.1.2/24" -> "veth11 172.16.1.9/24" reads "veth11 172.16.1.2/24 -> 172.16.1.9/24". */
function changeText(old: string, now: string): string {
  const a = old.split(" "), b = now.split(" ");
  let k = 0;
  while (k < a.length - 1 && k < b.length - 1 && a[k] === b[k]) k++;
  return [...b.slice(0, k), `${a.slice(k).join(" ")} -> ${b.slice(k).join(" ")}`].join(" ");
}

/** A host route's item with the word "route" in front (after the marker): "~ route 10.0.0.0/8 via ...". */
export function routeItem(i: Item): Item {
  return { ...i, text: `route ${i.text}`, ...(i.old !== undefined ? { old: `route ${i.old}` } : {}) };
}
