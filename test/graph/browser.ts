/**
 * A real browser for the graph tests: Debian's chromium (scripts/setup.sh installs it)
 * driven by playwright-core, never a downloaded browser, with a fresh profile and
 * everything that would reach the network turned off.
 */
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];

export interface Browser { ctx: BrowserContext; profile: string; close(): Promise<void> }

export async function openBrowser(): Promise<Browser> {
  await fs.access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)`);
  });
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-chromium-"));
  // playwright passes the profile as --user-data-dir itself (launchPersistentContext).
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: false, args: FLAGS });
  return {
    ctx, profile,
    async close() {
      await ctx.close().catch(() => undefined);
      await fs.rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A PNG of the page's top-left width x height. Through CDP: playwright's page.screenshot
 * waits forever on a bare SVG document in this chromium.
 */
export async function screenshot(ctx: BrowserContext, page: Page, file: string, width: number, height: number): Promise<void> {
  const cdp = await ctx.newCDPSession(page);
  const r = (await cdp.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } })) as { data: string };
  await fs.writeFile(file, Buffer.from(r.data, "base64"));
  await cdp.detach();
}
