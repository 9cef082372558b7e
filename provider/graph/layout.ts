/**
 * The whole picture: hosts in rows (at most four a row, about 2400 px wide), a LAN bus above each row that
 * every host hangs from, one dashed bus per VXLAN VNI for overlays, then the legend and
 * notes (what the input was, what was collapsed).
 */
import type { Change } from "./input";
import { CHANGE_WORD, MARKER, type NetworkGraph } from "./model";
import { layoutHost } from "./layout-host";
import { LINE_H, textWidth, type Scene, type Shape } from "./scene";

const MARGIN = 20;
const HOST_GAP = 40;
const PER_ROW = 4;
/** A row of hosts is at most this wide (unless one host alone is wider). */
const ROW_W = 2400;

/** Hosts in rows: up to PER_ROW, no wider than ROW_W. */
function rows<T extends { w: number }>(boxes: T[]): T[][] {
  const out: T[][] = [];
  for (const b of boxes) {
    const row = out[out.length - 1];
    const w = row ? row.reduce((s, x) => s + x.w + HOST_GAP, 0) + b.w : Infinity;
    if (row && row.length < PER_ROW && w <= ROW_W) row.push(b);
    else out.push([b]);
  }
  return out;
}

export function layout(g: NetworkGraph): Scene {
  const names = new Map(g.hosts.map((h) => [h.address, h.titles[0] ?? h.address]));
  const boxes = g.hosts.map((host) => ({ host, ...layoutHost(host, names) }));
  const overlays = [...new Set(g.links.filter((l) => l.kind === "overlay").map((l) => l.label))];
  const shapes: Shape[] = [];
  let y = MARGIN;
  shapes.push({ t: "text", x: MARGIN, y: y + 14, text: heading(g), cls: "heading", change: "same" });
  y += 30;
  let width = textWidth(heading(g), 14) + 2 * MARGIN;
  for (const row of rows(boxes)) {
    const band = 26 + overlays.length * 14;
    let x = MARGIN;
    const rowW = row.reduce((s, b) => s + b.w, 0) + (row.length - 1) * HOST_GAP;
    // The LAN every host of the row is on.
    shapes.push({ t: "text", x: MARGIN, y: y + 10, text: "LAN", cls: "lan-label", change: "same" });
    shapes.push({ t: "line", points: [[MARGIN + 30, y + 6], [MARGIN + rowW, y + 6]], cls: "lan", change: "same" });
    overlays.forEach((label, k) => {
      const oy = y + 20 + k * 14;
      const members = new Set(g.links.filter((l) => l.label === label).flatMap((l) => [l.from, l.to]));
      const xs = row.map((b, j) => [b, MARGIN + row.slice(0, j).reduce((s, v) => s + v.w + HOST_GAP, 0)] as const).filter(([b]) => members.has(b.host.address));
      if (xs.length < 1) return;
      const change = g.links.find((l) => l.label === label)?.change ?? "same";
      shapes.push({ t: "line", points: [[xs[0][1] + 40, oy], [xs[xs.length - 1][1] + 40, oy]], cls: "overlay", change });
      shapes.push({ t: "text", x: xs[xs.length - 1][1] + 48, y: oy + 4, text: label, cls: "overlay-label", change });
      for (const [, hx] of xs) shapes.push({ t: "line", points: [[hx + 40, oy], [hx + 40, y + band]], cls: "overlay", change });
    });
    for (const b of row) {
      shapes.push({ t: "line", points: [[x + 20, y + 6], [x + 20, y + band]], cls: "lan", change: b.host.change });
      shapes.push({ t: "rect", x, y: y + band, w: b.w, h: b.h, cls: "host", change: b.host.change, title: b.host.address });
      for (const s of b.shapes) shapes.push(shift(s, x, y + band));
      x += b.w + HOST_GAP;
    }
    width = Math.max(width, x - HOST_GAP + MARGIN);
    y += band + Math.max(...row.map((b) => b.h)) + HOST_GAP;
  }
  y = legend(shapes, y);
  for (const note of notes(g)) {
    y += LINE_H;
    shapes.push({ t: "text", x: MARGIN, y, text: note, cls: "note", change: "same" });
    width = Math.max(width, textWidth(note) + 2 * MARGIN);
  }
  return { width: Math.ceil(width), height: Math.ceil(y + MARGIN), shapes };
}

function heading(g: NetworkGraph): string {
  if (g.source === "export") return "pulumi-netns: the network as it stands (stack export)";
  const c = g.changes;
  const parts = (Object.keys(c) as Array<keyof typeof c>).filter((k) => c[k]).map((k) => `${c[k]} ${CHANGE_WORD[k]}`);
  return `pulumi-netns: the network after the planned change (preview: ${parts.join(", ") || "no changes"})`;
}

export const PARTIAL_NOTE = "Only the changed resources are drawn: this preview lacks the unchanged ones; run `pulumi preview --json --show-sames` for the whole network.";

function notes(g: NetworkGraph): string[] {
  const out: string[] = [];
  if (g.partial) out.push(PARTIAL_NOTE);
  const ns = g.hosts.reduce((s, h) => s + h.collapsed, 0);
  if (ns) out.push(`${ns} namespace${ns > 1 ? "s" : ""} collapsed (more than 25 on a host): ${g.hosts.filter((h) => h.collapsed).map((h) => `${h.titles[0] ?? h.address} ${h.collapsed}`).join(", ")}`);
  if (g.collapsedHosts) out.push(`${g.collapsedHosts} more host${g.collapsedHosts > 1 ? "s" : ""} collapsed (more than 8 hosts)`);
  return out;
}

const LEGEND: Change[] = ["same", "added", "removed", "changed", "replaced"];

function legend(shapes: Shape[], y: number): number {
  let x = MARGIN;
  shapes.push({ t: "text", x, y: y + 14, text: "Legend:", cls: "legend-label", change: "same" });
  x += 70;
  for (const c of LEGEND) {
    const label = c === "same" ? "unchanged" : `${MARKER[c]} ${CHANGE_WORD[c]}`;
    shapes.push({ t: "rect", x, y, w: 22, h: 18, cls: "legend-swatch", change: c });
    shapes.push({ t: "line", points: [[x + 28, y + 9], [x + 58, y + 9]], cls: "legend-line", change: c });
    shapes.push({ t: "text", x: x + 64, y: y + 13, text: label, cls: "legend-text", change: c });
    x += 64 + textWidth(label) + 24;
  }
  return y + 22;
}

function shift(s: Shape, dx: number, dy: number): Shape {
  if (s.t === "line") return { ...s, points: s.points.map(([a, b]) => [a + dx, b + dy] as [number, number]) };
  return { ...s, x: s.x + dx, y: s.y + dy };
}
