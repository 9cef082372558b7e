/**
 * A Scene as a self-contained SVG: one inline <style>, system monospace fonts, no external
 * reference of any kind (no href, no url(), no @import), so it displays offline and in a PR.
 * Changes are coloured and also styled (dashes) and marked in text by the layout.
 */
import type { Change } from "./input";
import { FONT_SIZE, type Scene, type Shape } from "./scene";

export const COLORS: Record<Change, string> = { same: "#3d4450", added: "#1a7f37", removed: "#cf222e", changed: "#9a6700", replaced: "#8250df" };
const FILLS: Record<Change, string> = { same: "#ffffff", added: "#dafbe1", removed: "#ffebe9", changed: "#fff8c5", replaced: "#fbefff" };
/** Line styles: the change reads without colour too. */
export const DASHES: Record<Change, string> = { same: "none", added: "7 3", removed: "2 3", changed: "none", replaced: "9 3 2 3" };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const STYLE = [
  `text{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:${FONT_SIZE}px;fill:#1f2328}`,
  ".host{fill:#f6f8fa;stroke-width:1.5}", ".bridge{stroke-width:1.5}", ".ns{stroke-width:1.2}",
  ".badge{stroke-width:1}", ".collapsed-box{fill:#eaeef2;stroke:#8c959f;stroke-dasharray:3 3}",
  ".host-label,.heading{font-size:14px;font-weight:bold}", ".ns-label,.bridge-label{font-weight:bold}",
  ".lan{stroke:#57606a;stroke-width:2;fill:none}", ".bus{stroke-width:3;fill:none}", ".veth{stroke-width:1.5;fill:none}",
  ".overlay{stroke-width:2;fill:none;stroke-dasharray:10 4}", ".note{fill:#57606a}", ".lan-label{font-weight:bold;fill:#57606a}",
  ".legend-line{stroke-width:2}",
  ...(Object.keys(COLORS) as Change[]).flatMap((c) => [
    `rect.c-${c}{stroke:${COLORS[c]};${c === "same" ? "" : `stroke-dasharray:${DASHES[c]};`}}`,
    `rect.c-${c}:not(.host):not(.collapsed-box){fill:${FILLS[c]}}`,
    `line.c-${c},polyline.c-${c}{stroke:${COLORS[c]};${c === "same" ? "" : `stroke-dasharray:${DASHES[c]}`}}`,
    ...(c === "same" ? [] : [`text.c-${c}{fill:${COLORS[c]};font-weight:bold}`]),
  ]),
  "text.c-removed{text-decoration:line-through}",
].join("\n");

function shape(s: Shape): string {
  const cls = `${s.cls} c-${s.change}`;
  if (s.t === "rect") {
    const title = s.title ? `<title>${esc(s.title)}</title>` : "";
    const data = s.title ? ` data-host="${esc(s.title)}"` : "";
    return `<rect class="${cls}"${data} x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="6">${title}</rect>`;
  }
  if (s.t === "text") return `<text class="${cls}" x="${s.x}" y="${s.y}" xml:space="preserve">${esc(s.text)}</text>`;
  return `<polyline class="${cls}" points="${s.points.map(([x, y]) => `${x},${y}`).join(" ")}"/>`;
}

export function renderSvg(scene: Scene): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" role="img">`,
    `<title>pulumi-netns network</title>`,
    `<style>\n${STYLE}\n</style>`,
    `<rect x="0" y="0" width="${scene.width}" height="${scene.height}" fill="#ffffff"/>`,
    // Host boxes, then lines, then the boxes inside hosts and text over them.
    ...scene.shapes.filter((s) => s.t === "rect" && s.cls === "host").map(shape),
    ...scene.shapes.filter((s) => s.t === "line").map(shape),
    ...scene.shapes.filter((s) => s.t === "rect" && s.cls !== "host").map(shape),
    ...scene.shapes.filter((s) => s.t === "text").map(shape),
    "</svg>",
    "",
  ].join("\n");
}
