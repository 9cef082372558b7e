/**
 * What one resource adds to its host's picture, by kind. Each value shown is taken from the
 * planned properties and, for a changed resource, compared with the old ones, so an item
 * says "~ old -> new" only where it really differs.
 */
import type { Change, Res } from "./input";
import type { Item } from "./model";

type Props = Record<string, unknown>;

export interface NsPart {
  name: string;
  /** The resource is this namespace (not just something inside it). */
  own: boolean;
  change: Change;
  ifaces: Item[];
  routes: Item[];
  badges: Item[];
  peers: Item[];
  uplink?: { bridge: string; label: string; change: Change };
}

export interface Described {
  namespaces: NsPart[];
  bridges: Array<{ name: string; own: boolean; change: Change; addresses: Item[]; ports: Item[] }>;
  routes: Item[];
  badges: Item[];
  others: Item[];
  links: Array<{ to: string; kind: "route" | "overlay"; label: string; change: Change }>;
}

/** Pulumi's placeholder for a value known only after apply, as preview --json prints it. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (v === UNKNOWN) return "(known after apply)";
  if (typeof v === "string") return v === "[secret]" ? "(secret)" : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && v !== null && "4dabf18193072939515e22adb298388d" in v) return "(secret)";
  if (Array.isArray(v)) return v.map(str).filter(Boolean).join(" ");
  return JSON.stringify(v);
}
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((s): s is string => !!s) : str(v) ? [str(v)!] : []);
const obj = (v: unknown): Props => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Props) : {});

/** An item from the value as planned and as it was. */
function item(r: Res, text: string, oldText: string | undefined): Item {
  if (r.change !== "changed") return { text, change: r.change };
  if (oldText === undefined || oldText === text) return { text, change: "same" };
  return { text, change: "changed", old: oldText };
}

/** Items for text built by f from the new and the old properties (index-aligned). */
function items(r: Res, f: (p: Props) => string[]): Item[] {
  const now = f(r.props);
  const before = r.old ? f(r.old) : [];
  const out = now.map((t, k) => item(r, t, before[k]));
  // Lines that disappear in a change (an address removed): shown struck as removed.
  if (r.change === "changed") for (const t of before.slice(now.length)) out.push({ text: t, change: "removed" });
  return out;
}

const empty = (): Described => ({ namespaces: [], bridges: [], routes: [], badges: [], others: [], links: [] });
const ns = (name: string, own: boolean, change: Change): NsPart => ({ name, own, change, ifaces: [], routes: [], badges: [], peers: [] });

function veth(r: Res, d: Described): void {
  const host = (p: Props) => ({ name: str(p.name) ?? "?", namespace: str(p.namespace), addresses: list(p.addresses), bridge: str(p.bridge) });
  const peer = (p: Props) => host(obj(p.peer));
  const ends = [host, peer];
  for (const [k, end] of ends.entries()) {
    const e = end(r.props);
    const iface = items(r, (p) => [`${end(p).name} ${end(p).addresses.join(" ") || "(no address)"}`.trim()]);
    const other = ends[1 - k](r.props);
    if (e.namespace) {
      const part = ns(e.namespace, false, "same");
      part.ifaces.push(...iface);
      if (!other.namespace && other.bridge) {
        // The uplink is marked changed only when its bridge or names change, not its addresses.
        const link = (x: Props) => [`${ends[1 - k](x).bridge} ${ends[1 - k](x).name} ${end(x).name}`];
        part.uplink = { bridge: other.bridge, label: `${other.name} - ${e.name}`, change: items(r, link)[0].change };
      }
      else if (other.namespace) part.peers.push({ text: `${e.name} - ${other.namespace}/${other.name}`, change: r.change });
      else part.peers.push({ text: `${e.name} - host/${other.name}`, change: r.change });
      d.namespaces.push(part);
    } else if (!(other.namespace && other.bridge === undefined && e.bridge)) {
      // A host-side end that is not simply the bridge port of a namespace's uplink.
      d.others.push(...items(r, (p) => [`veth ${end(p).name} ${end(p).addresses.join(" ")}${end(p).bridge ? ` on ${end(p).bridge}` : ""}`.trim()]));
    }
  }
}

function describeKind(r: Res, d: Described): void {
  const p = r.props;
  switch (r.kind) {
    case "Bridge":
      d.bridges.push({ name: str(p.name) ?? r.name, own: true, change: r.change, addresses: items(r, (x) => list(x.addresses)), ports: [] });
      return;
    case "NetNamespace":
      d.namespaces.push(ns(str(p.name) ?? r.name, true, r.change));
      return;
    case "VethPair": {
      veth(r, d);
      // A change to nothing drawn (mtu, up): the link itself is marked changed.
      const drawn = [...d.namespaces.flatMap((n) => [...n.ifaces, ...(n.uplink ? [n.uplink] : [])]), ...d.others];
      if (r.change === "changed" && drawn.every((i) => i.change === "same")) for (const n of d.namespaces) if (n.uplink) n.uplink.change = "changed";
      return;
    }
    case "BridgedNamespace": {
      const part = ns(str(p.name) ?? r.name, true, r.change);
      part.ifaces.push(...items(r, (x) => [`${str(x.nsVeth) ?? "veth"} ${str(x.address) ?? ""}`.trim()]));
      part.routes.push(...items(r, (x) => (str(x.gateway) ? [`default via ${str(x.gateway)}`] : [])));
      if (str(p.bridge)) part.uplink = { bridge: str(p.bridge)!, label: `${str(p.hostVeth) ?? "veth"} - ${str(p.nsVeth) ?? "veth"}`, change: r.change };
      d.namespaces.push(part);
      return;
    }
    case "Route": {
      const text = (x: Props) => [[str(x.destination), str(x.via) && `via ${str(x.via)}`, str(x.device) && `dev ${str(x.device)}`, str(x.metric) && `metric ${str(x.metric)}`, str(x.table) && `table ${str(x.table)}`].filter(Boolean).join(" ")];
      const its = items(r, text);
      const where = str(p.namespace);
      if (where) {
        const part = ns(where, false, "same");
        part.routes.push(...its);
        d.namespaces.push(part);
      } else {
        d.routes.push(...its);
        if (str(p.via)) d.links.push({ to: str(p.via)!, kind: "route", label: str(p.destination) ?? "route", change: r.change });
      }
      return;
    }
    case "NatRule":
    case "IptablesRule": {
      const text = (x: Props) => {
        const matches = r.kind === "NatRule"
          ? [str(x.source) && `-s ${str(x.source)}`, str(x.destination) && `-d ${str(x.destination)}`, str(x.outInterface) && `-o ${str(x.outInterface)}`, str(x.notOutInterface) && `! -o ${str(x.notOutInterface)}`]
          : [str(x.matches)];
        const to = str(x.toSource) ? ` to ${str(x.toSource)}` : "";
        return [`${r.kind === "NatRule" ? "NAT" : "rule"} ${str(x.table) ?? (r.kind === "NatRule" ? "nat" : "filter")}/${str(x.chain) ?? "?"} ${matches.filter(Boolean).join(" ")} -j ${str(x.jump) ?? "?"}${to}`.replace(/\s+/g, " ")];
      };
      badgeIn(r, d, items(r, text));
      return;
    }
    case "Sysctl": {
      const text = (x: Props) => [str(x.key) === "net.ipv4.ip_forward" ? `ip_forward=${str(x.value) ?? "?"}` : `${str(x.key)}=${str(x.value) ?? "?"}`];
      badgeIn(r, d, items(r, text));
      return;
    }
    case "Vxlan": {
      const name = str(p.name) ?? r.name;
      const text = (x: Props) => [`vxlan ${str(x.name) ?? name} vni ${str(x.vni) ?? "?"}${str(x.local) ? ` local ${str(x.local)}` : ""}${str(x.device) ? ` dev ${str(x.device)}` : ""}${list(x.peers).length ? ` peers ${list(x.peers).join(", ")}` : ""}`];
      const its = items(r, text);
      if (str(p.bridge)) d.bridges.push({ name: str(p.bridge)!, own: false, change: "same", addresses: [], ports: its });
      else d.others.push(...its);
      for (const peer of list(p.peers)) d.links.push({ to: peer, kind: "overlay", label: `vxlan vni ${str(p.vni) ?? "?"}`, change: r.change });
      return;
    }
    case "Ping":
    case "LabVm":
      return; // probes and lab VMs are not part of the network's shape
    default:
      if (r.type.startsWith("pulumi-nodejs:dynamic/netns:")) d.others.push({ text: `${r.kind} ${r.name}`, change: r.change });
  }
}

function badgeIn(r: Res, d: Described, its: Item[]): void {
  const where = str(r.props.namespace);
  if (!where) return void d.badges.push(...its);
  const part = ns(where, false, "same");
  part.badges.push(...its);
  d.namespaces.push(part);
}

export function describe(r: Res): Described {
  const d = empty();
  describeKind(r, d);
  return d;
}
