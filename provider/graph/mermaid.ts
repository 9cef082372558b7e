/**
 * The model as Mermaid flowchart text (GitHub renders it in comments and markdown): a
 * subgraph per host with its bridges and namespaces, veth links as edges, routes and
 * overlays between hosts as labelled edges. Changes: a text marker in every label, a
 * class (colour + dashed border) and a link style (colour + dashes), and a legend.
 */
import type { Change } from "./input";
import { CHANGE_WORD, itemText, labelWithMarker, MARKER, routeItem, type NetworkGraph } from "./model";
import { COLORS, DASHES } from "./svg";
import { PARTIAL_NOTE } from "./layout";

const FILL: Record<Change, string> = { same: "#ffffff", added: "#dafbe1", removed: "#ffebe9", changed: "#fff8c5", replaced: "#fbefff" };

/** Text for a quoted Mermaid label: entity codes for what would end the quote or be markup. */
const q = (s: string) => `"${s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;")}"`;
const lines = (xs: string[]) => q(xs.join("\n")).replace(/\n/g, "<br/>");

export function renderMermaid(g: NetworkGraph): string {
  const out: string[] = ["flowchart TB"];
  const classOf = new Map<string, Change>();
  const edges: Array<{ text: string; change: Change }> = [];
  const hostId = new Map<string, string>();
  g.hosts.forEach((h, i) => {
    const hid = `h${i}`;
    hostId.set(h.address, hid);
    out.push(`  subgraph ${hid}[${q(labelWithMarker([...h.titles, h.address].join(" · "), h.change))}]`);
    out.push("    direction TB");
    if (h.change !== "same") classOf.set(hid, h.change);
    const info = [...h.badges.map(itemText), ...h.routes.map((r) => itemText(routeItem(r))), ...h.others.map(itemText)];
    if (info.length) out.push(`    ${hid}_info[${lines(info)}]`);
    h.bridges.forEach((b, j) => {
      const id = `${hid}_b${j}`;
      out.push(`    ${id}[${lines([labelWithMarker(`bridge ${b.name}`, b.change), ...b.addresses.map(itemText), ...b.ports.map(itemText)])}]`);
      if (b.change !== "same") classOf.set(id, b.change);
    });
    h.namespaces.forEach((n, j) => {
      const id = `${hid}_n${j}`;
      out.push(`    ${id}(${lines([labelWithMarker(`netns ${n.name}`, n.change), ...n.ifaces.map(itemText), ...n.routes.map(itemText), ...n.badges.map(itemText), ...n.peers.map(itemText)])})`);
      // A namespace whose address or route changes is drawn as changed (its lines say what).
      const inner = [...n.ifaces, ...n.routes, ...n.badges].some((i) => i.change !== "same") ? "changed" : "same";
      if (n.change !== "same" || inner !== "same") classOf.set(id, n.change !== "same" ? n.change : inner);
      const b = n.uplink ? h.bridges.findIndex((x) => x.name === n.uplink!.bridge) : -1;
      if (n.uplink && b >= 0) edges.push({ text: `    ${hid}_b${b} ---|${q(labelWithMarker(n.uplink.label, n.uplink.change))}| ${id}`, change: n.uplink.change });
    });
    if (h.collapsed) out.push(`    ${hid}_more[${q(`... ${h.collapsed} more namespaces collapsed`)}]`);
    out.push("  end");
  });
  for (const l of g.links) {
    const a = hostId.get(l.from), b = hostId.get(l.to);
    if (!a || !b) continue;
    const arrow = l.kind === "overlay" ? "-.-" : "-->";
    edges.push({ text: `  ${a} ${arrow}|${q(labelWithMarker(`${l.kind === "route" ? "route " : ""}${l.label}`, l.change))}| ${b}`, change: l.change });
  }
  if (g.partial) out.push(`  partial[${q(PARTIAL_NOTE)}]`);
  if (g.collapsedHosts) out.push(`  more_hosts[${q(`... ${g.collapsedHosts} more hosts collapsed`)}]`);
  out.push(...edges.map((e) => e.text));
  // Legend: one node per kind of change.
  out.push(`  subgraph legend[${q("Legend")}]`, "    direction LR");
  for (const c of ["added", "removed", "changed", "replaced"] as const) {
    out.push(`    legend_${c}[${q(`${MARKER[c]} ${CHANGE_WORD[c]}`)}]`);
    classOf.set(`legend_${c}`, c);
  }
  out.push("  end");
  for (const c of ["added", "removed", "changed", "replaced"] as const) {
    out.push(`  classDef ${c} fill:${FILL[c]},stroke:${COLORS[c]},stroke-width:2px,stroke-dasharray:${DASHES[c] === "none" ? "0" : DASHES[c].replace(/ /g, " ")},color:${COLORS[c]}`);
    const ids = [...classOf].filter(([, v]) => v === c).map(([k]) => k);
    if (ids.length) out.push(`  class ${ids.join(",")} ${c}`);
  }
  edges.forEach((e, k) => {
    if (e.change !== "same") out.push(`  linkStyle ${k} stroke:${COLORS[e.change]},stroke-width:2px${DASHES[e.change] === "none" ? "" : `,stroke-dasharray:${DASHES[e.change]}`}`);
  });
  return out.join("\n") + "\n";
}
