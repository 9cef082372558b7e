import test from "ava";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { REPO_ROOT } from "../helpers/pulumi";
import { openBrowser, screenshot, type Browser } from "./browser";
import { grownExport } from "./grow";

/**
 * The pictures of the recorded fixtures in a real browser (Debian's chromium): every
 * namespace label is visible (not cut off, nothing drawn over it), no two host boxes
 * overlap, the page loads nothing but the SVG itself; the Mermaid text renders with the
 * real `mermaid` package. PNGs land in test/graph/out/ (gitignored) for people to look at.
 */
// Names of the browser page, for the functions that run there (this project compiles without the DOM lib).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(el: any): { visibility: string; display: string; opacity: string };
type SVGSVGElement = any;

const FIXTURES = path.join(REPO_ROOT, "test", "graph", "fixtures");
const OUT = path.join(REPO_ROOT, "test", "graph", "out");
const CLI = path.join(REPO_ROOT, "dist", "cli", "pulumi-netns.js");
/** The recorded fixtures, and "large": 8 hosts (3 more collapsed), 25 namespaces on one (9 more collapsed). */
const CASES = ["export", "preview-change", "preview-destroy", "large"];
const inputOf = (fixture: string) => (fixture === "large" ? path.join(OUT, "large.json") : path.join(FIXTURES, `${fixture}.json`));

let browser: Browser | undefined;
const b = () => {
  if (!browser) throw new Error("the browser did not start (see the before hook)");
  return browser;
};

test.before(async () => {
  await fs.mkdir(OUT, { recursive: true });
  await fs.writeFile(inputOf("large"), grownExport(32, 9));
  browser = await openBrowser();
});
test.after.always(async () => {
  await browser?.close();
});

const graph = (fixture: string, ...args: string[]) =>
  execFileSync(process.execPath, [CLI, "graph", inputOf(fixture), ...args], { encoding: "utf8" });

/** Namespace names the model says are on the picture, from the fixture itself. */
function namespaceNames(fixture: string): string[] {
  const mmd = graph(fixture, "--mermaid");
  return [...mmd.matchAll(/netns ([A-Za-z0-9_.-]+)/g)].map((m) => m[1]);
}

async function checkSvgPage(page: Page) {
  return page.evaluate(() => {
    const svg = document.documentElement as unknown as SVGSVGElement;
    const W = svg.width.baseVal.value, H = svg.height.baseVal.value;
    const labels = [...document.querySelectorAll("text.ns-label")].map((el: any) => {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return {
        text: el.textContent ?? "",
        inside: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= W && r.bottom <= H,
        shown: cs.visibility === "visible" && cs.display !== "none" && Number(cs.opacity) > 0,
        onTop: hit === el,
      };
    });
    const hosts = [...document.querySelectorAll("rect.host")].map((el: any) => {
      const r = el.getBoundingClientRect();
      return { host: el.getAttribute("data-host") ?? "", x: r.left, y: r.top, r: r.right, b: r.bottom };
    });
    const overlaps: string[] = [];
    hosts.forEach((a: typeof hosts[number], i: number) => hosts.slice(i + 1).forEach((c: typeof hosts[number]) => {
      if (a.x < c.r && c.x < a.r && a.y < c.b && c.y < a.b) overlaps.push(`${a.host} / ${c.host}`);
    }));
    return { W, H, labels: labels as Array<{ text: string; inside: boolean; shown: boolean; onTop: boolean }>, hosts: hosts.map((h: { host: string }) => h.host) as string[], overlaps };
  });
}

for (const fixture of CASES) {
  test.serial(`SVG of ${fixture}: every namespace label visible, host boxes apart, nothing fetched`, async (t) => {
    const file = path.join(OUT, `${fixture}.svg`);
    await fs.writeFile(file, graph(fixture));
    const page = await b().ctx.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    try {
      await page.goto(`file://${file}`);
      const probe0 = await page.evaluate(() => {
        const s = document.documentElement as unknown as SVGSVGElement;
        return { w: s.width.baseVal.value, h: s.height.baseVal.value };
      });
      await page.setViewportSize({ width: Math.ceil(probe0.w), height: Math.ceil(probe0.h) });
      const r = await checkSvgPage(page);
      const want = namespaceNames(fixture);
      t.true(want.length >= 4, `the fixture has namespaces: ${want.join(", ")}`);
      t.deepEqual(r.labels.map((l) => l.text.replace(/^[+~-]+ /, "").replace(/^netns /, "")).sort(), [...want].sort(), "one label per namespace");
      t.deepEqual(r.labels.filter((l) => !(l.inside && l.shown && l.onTop)), [], "every namespace label is inside the picture, shown, and not covered");
      t.is(r.hosts.length, fixture === "large" ? 8 : 2, `host boxes: ${r.hosts.join(", ")}`);
      t.deepEqual(r.overlaps, [], "no two host boxes overlap");
      t.deepEqual(requests, [`file://${file}`], "the page fetched nothing but the SVG");
      const png = path.join(OUT, `${fixture}.png`);
      await screenshot(b().ctx, page, png, r.W, r.H);
      t.true((await fs.stat(png)).size > 10_000, `screenshot ${path.relative(REPO_ROOT, png)}`);
      t.log(`${path.relative(REPO_ROOT, png)}: ${r.W}x${r.H}, ${r.labels.length} namespaces, ${r.hosts.length} hosts`);
    } finally {
      await page.close();
    }
  });

  test.serial(`Mermaid of ${fixture} renders with the mermaid package`, async (t) => {
    const text = graph(fixture, "--mermaid");
    await fs.writeFile(path.join(OUT, `${fixture}.mmd`), text);
    const page = await b().ctx.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    try {
      await page.setContent("<!doctype html><html><body><div id=out></div></body></html>");
      await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") }); // inline: no network
      const r = await page.evaluate(async (src) => {
        const m = (globalThis as unknown as { mermaid: { initialize(o: object): void; parse(s: string): Promise<unknown>; render(id: string, s: string): Promise<{ svg: string }> } }).mermaid;
        m.initialize({ startOnLoad: false, securityLevel: "strict" });
        try {
          await m.parse(src);
          const { svg } = await m.render("graph", src);
          document.getElementById("out")!.innerHTML = svg;
          const el = document.querySelector("#out svg")!;
          const box = el.getBoundingClientRect();
          return { ok: true, error: "", svg, nodes: document.querySelectorAll("#out .node").length, w: Math.ceil(box.width), h: Math.ceil(box.height) };
        } catch (e) {
          return { ok: false, error: String((e as Error).message ?? e), svg: "", nodes: 0, w: 0, h: 0 };
        }
      }, text);
      t.true(r.ok, `mermaid failed: ${r.error}`);
      t.true(r.svg.startsWith("<svg"), "mermaid produced an SVG");
      t.false(/Syntax error/i.test(r.svg), "no syntax error drawn");
      for (const ns of namespaceNames(fixture)) t.true(r.svg.includes(`netns ${ns}`), `namespace ${ns} is in the rendered diagram`);
      t.true(r.nodes > 4, `${r.nodes} nodes drawn`);
      t.deepEqual(requests.filter((u) => !u.startsWith("about:") && !u.startsWith("data:")), [], "mermaid fetched nothing");
      await page.setViewportSize({ width: Math.min(Math.max(r.w + 20, 400), 4000), height: Math.min(Math.max(r.h + 20, 300), 4000) });
      await screenshot(b().ctx, page, path.join(OUT, `${fixture}.mermaid.png`), Math.min(r.w + 20, 4000), Math.min(r.h + 20, 4000));
    } finally {
      await page.close();
    }
  });
}
