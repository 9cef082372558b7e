/**
 * One host's box, in its own coordinates: title, badges (rules, ip_forward), host routes,
 * bridges, and its namespaces in a grid under them. Each namespace hangs off its bridge's
 * bus by a line in the gutter left of its column, one lane per grid row, so no line crosses
 * a box and boxes never overlap (every size comes from the text it holds).
 */
import type { Change } from "./input";
import { itemText, labelWithMarker, routeItem, type HostNode, type Item, type NamespaceNode } from "./model";
import { LINE_H, textWidth, type Shape } from "./scene";

const PAD = 12;
const BOX_PAD = 8;
const GAP = 12;
const LANE = 6;

export interface HostBox { w: number; h: number; shapes: Shape[]; title: string }

const text = (x: number, y: number, t: string, cls: string, change: Change): Shape => ({ t: "text", x, y, text: t, cls, change });

/** A box of text lines: the first line is its title. */
function textBox(lines: Array<{ text: string; change: Change; cls: string }>, minW = 0) {
  const w = Math.max(minW, ...lines.map((l) => textWidth(l.text) + 2 * BOX_PAD));
  return { w, h: lines.length * LINE_H + 2 * BOX_PAD - 2, lines };
}

function nsLines(n: NamespaceNode) {
  const its = (xs: Item[], cls: string) => xs.map((i) => ({ text: itemText(i), change: i.change, cls }));
  return [
    { text: labelWithMarker(`netns ${n.name}`, n.change), change: n.change, cls: "ns-label" },
    ...its(n.ifaces, "iface"),
    ...(n.uplink ? [{ text: labelWithMarker(`on ${n.uplink.bridge} via ${n.uplink.label}`, n.uplink.change), change: n.uplink.change, cls: "uplink" }] : []),
    ...its(n.routes, "route"), ...its(n.badges, "badge-text"), ...its(n.peers, "iface"),
  ];
}

/** `names`: host address -> its title, to say which host a route leads to. */
export function layoutHost(h: HostNode, names: Map<string, string>): HostBox {
  const shapes: Shape[] = [];
  const title = labelWithMarker([...h.titles, h.address].join(" · "), h.change);
  // Namespaces: measure, then a grid.
  const boxes = h.namespaces.map((n) => ({ n, ...textBox(nsLines(n), 120) }));
  if (h.collapsed) boxes.push({ n: undefined as unknown as NamespaceNode, ...textBox([{ text: `... ${h.collapsed} more namespaces collapsed`, change: "same", cls: "collapsed" }]) });
  const cols = boxes.length <= 3 ? Math.max(boxes.length, 1) : Math.min(5, Math.ceil(Math.sqrt(boxes.length)));
  const rows = Math.ceil(boxes.length / cols);
  const cellW = Math.max(0, ...boxes.map((b) => b.w));
  const gutter = h.bridges.length ? 10 + rows * LANE : 0;
  const gridW = boxes.length ? cols * (gutter + cellW) + (cols - 1) * GAP : 0;
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...boxes.slice(r * cols, r * cols + cols).map((b) => b.h)));

  const bridges = h.bridges.map((b) => ({
    b, ...textBox([
      { text: labelWithMarker(`bridge ${b.name}`, b.change), change: b.change, cls: "bridge-label" },
      ...b.addresses.map((i) => ({ text: itemText(i), change: i.change, cls: "addr" })),
      ...b.ports.map((i) => ({ text: itemText(i), change: i.change, cls: "port" })),
    ], 120),
  }));
  const bridgesW = bridges.reduce((s, b) => s + b.w, 0) + Math.max(0, bridges.length - 1) * GAP;
  const toward = (i: Item) => {
    const via = /\bvia (\S+)/.exec(i.text)?.[1];
    return via && names.has(via) ? ` (to ${names.get(via)})` : "";
  };
  const textLines = [...h.routes.map((i) => ({ text: `${itemText(routeItem(i))}${toward(i)}`, change: i.change, cls: "route" })), ...h.others.map((i) => ({ text: itemText(i), change: i.change, cls: "other" }))];
  const innerW = Math.max(gridW, bridgesW, textWidth(title, 14) + 4, ...textLines.map((l) => textWidth(l.text)), 220);

  let y = PAD + 14;
  shapes.push(text(PAD, y, title, "host-label", h.change));
  y += 10;
  // Badges, wrapped to the width.
  let x = PAD;
  const pills = h.badges.map((i) => ({ i, t: itemText(i), w: textWidth(itemText(i)) + 2 * BOX_PAD }));
  if (pills.length) y += 4;
  for (const p of pills) {
    if (x > PAD && x + p.w > PAD + innerW) { x = PAD; y += 24; }
    shapes.push({ t: "rect", x, y, w: p.w, h: 20, cls: "badge", change: p.i.change });
    shapes.push(text(x + BOX_PAD, y + 14, p.t, "badge-text", p.i.change));
    x += p.w + 6;
  }
  if (pills.length) y += 20;
  for (const l of textLines) { y += LINE_H; shapes.push(text(PAD, y, l.text, l.cls, l.change)); }
  y += GAP;

  // Bridges in a row, each with its bus under the row.
  const busY = new Map<string, number>();
  const bridgesBottom = y + Math.max(0, ...bridges.map((b) => b.h));
  x = PAD;
  bridges.forEach((b, k) => {
    shapes.push({ t: "rect", x, y, w: b.w, h: b.h, cls: "bridge", change: b.b.change });
    b.lines.forEach((l, j) => shapes.push(text(x + BOX_PAD, y + BOX_PAD + 10 + j * LINE_H, l.text, l.cls, l.change)));
    const by = bridgesBottom + 10 + k * LANE;
    busY.set(b.b.name, by);
    shapes.push({ t: "line", points: [[x + 16, y + b.h], [x + 16, by]], cls: "bus", change: b.b.change });
    shapes.push({ t: "line", points: [[x + 16, by], [PAD + innerW, by]], cls: "bus", change: b.b.change });
    x += b.w + GAP;
  });
  y = bridgesBottom + (bridges.length ? 10 + bridges.length * LANE + GAP : 0);

  // The namespace grid.
  boxes.forEach((b, k) => {
    const r = Math.floor(k / cols), c = k % cols;
    const bx = PAD + c * (gutter + cellW + GAP) + gutter;
    const by = y + rowH.slice(0, r).reduce((s, v) => s + v + GAP, 0);
    const change = b.n ? b.n.change : "same";
    shapes.push({ t: "rect", x: bx, y: by, w: cellW, h: b.h, cls: b.n ? "ns" : "collapsed-box", change });
    b.lines.forEach((l, j) => shapes.push(text(bx + BOX_PAD, by + BOX_PAD + 10 + j * LINE_H, l.text, l.cls, l.change)));
    const up = b.n?.uplink;
    const top = up ? busY.get(up.bridge) : undefined;
    if (up && top !== undefined) {
      const lx = bx - gutter + 4 + r * LANE;
      const ly = by + 12;
      shapes.push({ t: "line", points: [[lx, top], [lx, ly], [bx, ly]], cls: "veth", change: up.change });
    }
  });
  const gridH = rowH.reduce((s, v) => s + v, 0) + Math.max(0, rows - 1) * GAP;
  // The veth names of uplinks are in the namespace's interface lines; the box says which bridge.
  return { w: innerW + 2 * PAD, h: y + gridH + PAD, shapes, title };
}
