/** A hand-written SVG line chart (no dependencies): panels of series with min–max bars. */

export interface Point {
  x: number;
  /** median, min, max */
  y: number;
  lo?: number;
  hi?: number;
}

export interface Series {
  label: string;
  color: string;
  points: Point[];
  dashed?: boolean;
  /** Draw markers and bars (false for fitted lines). */
  markers?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xTicks?: number[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const f = (n: number) => (Math.round(n * 10) / 10).toString();

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

function drawPanel(panel: Panel, ox: number, oy: number, w: number, h: number): string[] {
  const out: string[] = [];
  const left = 58;
  const bottom = 44;
  const top = 30;
  const right = 12;
  const pw = w - left - right;
  const ph = h - top - bottom;
  const all = panel.series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p.x)) * 1.04 || 1;
  const yStep = niceStep(Math.max(...all.map((p) => p.hi ?? p.y)) || 1, 5);
  const yMax = Math.ceil((Math.max(...all.map((p) => p.hi ?? p.y)) || 1) / yStep) * yStep;
  const X = (x: number) => ox + left + (x / xMax) * pw;
  const Y = (y: number) => oy + top + ph - (y / yMax) * ph;

  out.push(`<text x="${f(ox + left + pw / 2)}" y="${f(oy + 18)}" text-anchor="middle" font-size="14" font-weight="bold">${esc(panel.title)}</text>`);
  // grid and y ticks
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${f(X(0))}" y1="${f(Y(y))}" x2="${f(X(xMax))}" y2="${f(Y(y))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${f(X(0) - 6)}" y="${f(Y(y) + 4)}" text-anchor="end" font-size="11">${f(y)}</text>`);
  }
  const xTicks = panel.xTicks ?? [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  for (const x of xTicks) {
    out.push(`<line x1="${f(X(x))}" y1="${f(Y(0))}" x2="${f(X(x))}" y2="${f(Y(0) + 4)}" stroke="#444"/>`);
    out.push(`<text x="${f(X(x))}" y="${f(Y(0) + 16)}" text-anchor="middle" font-size="11">${x}</text>`);
  }
  out.push(`<line x1="${f(X(0))}" y1="${f(Y(0))}" x2="${f(X(xMax))}" y2="${f(Y(0))}" stroke="#444"/>`);
  out.push(`<line x1="${f(X(0))}" y1="${f(Y(0))}" x2="${f(X(0))}" y2="${f(Y(yMax))}" stroke="#444"/>`);
  out.push(`<text x="${f(X(xMax / 2))}" y="${f(oy + h - 8)}" text-anchor="middle" font-size="12">${esc(panel.xLabel)}</text>`);
  out.push(`<text transform="translate(${f(ox + 14)},${f(Y(yMax / 2))}) rotate(-90)" text-anchor="middle" font-size="12">${esc(panel.yLabel)}</text>`);

  for (const s of panel.series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (pts.length === 0) continue;
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${pts.map((p) => `${f(X(p.x))},${f(Y(p.y))}`).join(" ")}"/>`);
    if (s.markers === false) continue;
    for (const p of pts) {
      if (p.lo !== undefined && p.hi !== undefined && p.hi > p.lo) {
        out.push(`<line x1="${f(X(p.x))}" y1="${f(Y(p.lo))}" x2="${f(X(p.x))}" y2="${f(Y(p.hi))}" stroke="${s.color}" stroke-width="1.5"/>`);
        for (const v of [p.lo, p.hi]) out.push(`<line x1="${f(X(p.x) - 4)}" y1="${f(Y(v))}" x2="${f(X(p.x) + 4)}" y2="${f(Y(v))}" stroke="${s.color}"/>`);
      }
      out.push(`<circle cx="${f(X(p.x))}" cy="${f(Y(p.y))}" r="3.5" fill="${s.color}"/>`);
    }
  }
  // legend, top-left inside the plot
  panel.series.forEach((s, i) => {
    const lx = X(0) + 10;
    const ly = Y(yMax) + 12 + i * 16;
    out.push(`<line x1="${f(lx)}" y1="${f(ly)}" x2="${f(lx + 22)}" y2="${f(ly)}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    out.push(`<text x="${f(lx + 28)}" y="${f(ly + 4)}" font-size="11">${esc(s.label)}</text>`);
  });
  return out;
}

/** Panels side by side. */
export function chart(panels: Panel[], caption: string, panelW = 460, panelH = 340): string {
  const W = panelW * panels.length;
  const H = panelH + 24;
  const body = panels.flatMap((p, i) => drawPanel(p, i * panelW, 0, panelW, panelH));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    ...body,
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle" font-size="11" fill="#555">${esc(caption)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
