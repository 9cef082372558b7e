/**
 * From parsed resources to the model: which host each resource is on, and what it adds
 * to that host's picture. The host comes from a plain `connection.host` when there is
 * one, else from the resource ID (`host:port/...`); a planned resource without either
 * takes the host of its siblings (same parent component). Secrets are never read.
 */
import type { Change, ParsedInput, Res } from "./input";
import {
  MAX_HOSTS, MAX_NAMESPACES, type BridgeNode, type HostLink, type HostNode, type Item, type NamespaceNode, type NetworkGraph,
} from "./model";
import { describe, type Described } from "./describe";

const UNKNOWN_HOST = "(host known after apply)";

/** "10.0.0.5:22/veth//veth10" -> "10.0.0.5"; keeps ":port" when it is not 22. */
export function hostOfId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const head = id.split("/")[0];
  const at = head.lastIndexOf(":");
  if (at <= 0 || !/^\d+$/.test(head.slice(at + 1))) return undefined;
  const port = head.slice(at + 1);
  return port === "22" ? head.slice(0, at) : head;
}

function plainHost(props: Record<string, unknown> | undefined): string | undefined {
  const c = props?.connection;
  if (typeof c !== "object" || c === null || Array.isArray(c)) return undefined; // a secret, or unknown
  const h = (c as Record<string, unknown>).host;
  if (typeof h !== "string" || !/^[A-Za-z0-9.:_-]+$/.test(h)) return undefined; // "[secret]", unknowns
  const port = (c as Record<string, unknown>).port;
  return typeof port === "number" && port !== 22 ? `${h}:${port}` : h;
}

const natural = (a: string, b: string) => a.localeCompare(b, "en", { numeric: true });

/** The host of every resource of ours, by URN. */
function placeResources(rs: Res[]): Map<string, string> {
  const at = new Map<string, string>();
  for (const r of rs) {
    const h = plainHost(r.props) ?? hostOfId(r.id) ?? plainHost(r.old);
    if (h) at.set(r.urn, h);
  }
  // Planned resources: the host their siblings (same parent) are on, when that is one host.
  const byParent = new Map<string, Set<string>>();
  for (const r of rs) if (r.parent && at.has(r.urn)) (byParent.get(r.parent) ?? byParent.set(r.parent, new Set()).get(r.parent)!).add(at.get(r.urn)!);
  for (const r of rs) {
    if (at.has(r.urn)) continue;
    const hs = r.parent ? byParent.get(r.parent) : undefined;
    at.set(r.urn, hs?.size === 1 ? [...hs][0] : r.parent ? `${UNKNOWN_HOST}: ${r.parent.split("::").pop()}` : UNKNOWN_HOST);
  }
  return at;
}

function newHost(address: string): HostNode {
  return { address, titles: [], change: "same", bridges: [], namespaces: [], collapsed: 0, routes: [], badges: [], others: [] };
}

function nsOf(h: HostNode, name: string): NamespaceNode {
  let ns = h.namespaces.find((n) => n.name === name);
  if (!ns) h.namespaces.push((ns = { name, change: "same", ifaces: [], routes: [], badges: [], peers: [] }));
  return ns;
}

function bridgeOf(h: HostNode, name: string): BridgeNode {
  let b = h.bridges.find((x) => x.name === name);
  if (!b) h.bridges.push((b = { name, change: "same", addresses: [], ports: [] }));
  return b;
}

/** Put what describe() found about one resource onto its host. */
function apply(h: HostNode, d: Described, links: HostLink[], hostNames: Set<string>): void {
  for (const ns of d.namespaces) {
    const n = nsOf(h, ns.name);
    if (ns.own) n.change = ns.change;
    n.ifaces.push(...ns.ifaces);
    n.routes.push(...ns.routes);
    n.badges.push(...ns.badges);
    n.peers.push(...ns.peers);
    if (ns.uplink) n.uplink = ns.uplink;
    if (ns.uplink) bridgeOf(h, ns.uplink.bridge);
  }
  for (const b of d.bridges) {
    const x = bridgeOf(h, b.name);
    if (b.own) {
      x.change = b.change;
      x.addresses.push(...b.addresses);
    }
    x.ports.push(...b.ports);
  }
  h.routes.push(...d.routes);
  h.badges.push(...d.badges);
  h.others.push(...d.others);
  for (const l of d.links) if (hostNames.has(l.to) && l.to !== h.address) links.push({ ...l, from: h.address });
}

/** The whole model of a parsed input. */
export function buildGraph(input: ParsedInput): NetworkGraph {
  const ours = input.resources.filter((r) => r.kind);
  // Probes and lab VMs draw nothing: they place no host (a LabVm only names one, below).
  const at = placeResources(ours.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/netns:") && r.kind !== "Ping" && r.kind !== "LabVm"));
  const hosts = new Map<string, HostNode>();
  for (const a of new Set(at.values())) hosts.set(a, newHost(a));
  const hostNames = new Set(hosts.keys());
  const links: HostLink[] = [];
  const changes = { added: 0, removed: 0, changed: 0, replaced: 0 };
  const changesOnHost = new Map<string, Change[]>();
  for (const r of ours) {
    const address = at.get(r.urn);
    if (!address) continue; // components: titles below
    const h = hosts.get(address)!;
    if (r.change !== "same") changes[r.change]++;
    (changesOnHost.get(address) ?? changesOnHost.set(address, []).get(address)!).push(r.change);
    apply(h, describe(r), links, hostNames);
    // The component a resource belongs to names the host (NodeNetwork "node1").
    const parent = r.parent ? ours.find((p) => p.urn === r.parent) : undefined;
    if (parent && !h.titles.includes(parent.name)) h.titles.push(parent.name);
  }
  // LabVm outputs its host in plain text: its name says which VM a host is (when nothing else does).
  for (const r of ours.filter((x) => x.kind === "LabVm")) {
    const addr = typeof r.props.host === "string" ? r.props.host : undefined;
    const h = addr ? hosts.get(addr) : undefined;
    if (h && !h.titles.length) h.titles.push(r.name);
  }
  for (const [address, cs] of changesOnHost) {
    const h = hosts.get(address)!;
    if (cs.length && cs.every((c) => c === "added")) h.change = "added";
    else if (cs.length && cs.every((c) => c === "removed")) h.change = "removed";
  }
  const all = [...hosts.values()].sort((a, b) => natural(a.address, b.address));
  for (const h of all) collapse(h);
  // Hosts with a picture; a stack of only LabVm/Ping on some host still shows that host.
  const shown = all.slice(0, MAX_HOSTS);
  const shownNames = new Set(shown.map((h) => h.address));
  return {
    source: input.source, partial: input.partial ?? false, hosts: shown, collapsedHosts: all.length - shown.length,
    links: dedupe(links).filter((l) => shownNames.has(l.from) && shownNames.has(l.to)), changes,
  };
}

/** Sort and limit a host's namespaces; namespaces with a planned change are always kept. */
function collapse(h: HostNode): void {
  h.bridges.sort((a, b) => natural(a.name, b.name));
  h.badges.sort((a, b) => natural(a.text, b.text));
  h.namespaces.sort((a, b) => natural(a.name, b.name));
  if (h.namespaces.length <= MAX_NAMESPACES) return;
  const changed = (n: NamespaceNode) => n.change !== "same" || [...n.ifaces, ...n.routes].some((i: Item) => i.change !== "same");
  const keep = new Set([...h.namespaces.filter(changed), ...h.namespaces].slice(0, MAX_NAMESPACES - 1));
  h.collapsed = h.namespaces.length - keep.size;
  h.namespaces = h.namespaces.filter((n) => keep.has(n));
}

function dedupe(links: HostLink[]): HostLink[] {
  const seen = new Map<string, HostLink>();
  for (const l of links) seen.set(`${l.kind} ${l.from} ${l.to} ${l.label}`, l);
  return [...seen.values()];
}
