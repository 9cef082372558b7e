/**
 * The package as a user gets it: `npm pack` of this repo, installed into a scratch Pulumi
 * TypeScript project (as `pulumi new typescript` lays one out) from the npm registry, run
 * through the real engine with the standard Node.js language host when it is available.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { engineBinDir, REPO_ROOT } from "./pulumi";

const run = promisify(execFile);

/** `npm pack` of the repo (built) into DIR; returns the tarball's path. */
export async function packPackage(dir: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" });
  return path.join(dir, stdout.trim().split("\n").pop()!);
}

/**
 * A copy of a project folder (an example, or files given inline) at DEST, its `pulumi-netns`
 * dependency pointed at the packed TGZ, then `npm install` from the registry.
 */
export async function installProject(dest: string, tgz: string, files: Record<string, string>, from?: string): Promise<void> {
  if (from) await fs.cp(from, dest, { recursive: true });
  else await fs.mkdir(dest, { recursive: true });
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dest, name), text);
  const pkgFile = path.join(dest, "package.json");
  const pkg = JSON.parse(await fs.readFile(pkgFile, "utf8")) as { dependencies: Record<string, string> };
  pkg.dependencies["pulumi-netns"] = `file:${tgz}`;
  await fs.writeFile(pkgFile, JSON.stringify(pkg, null, 4) + "\n");
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dest, encoding: "utf8", timeout: 10 * 60_000 });
}

/** Every copy of @pulumi/pulumi installed under a project (one, when npm deduped). */
export async function sdkCopies(project: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const nm = path.join(dir, "node_modules");
    const entries = await fs.readdir(nm).catch(() => [] as string[]);
    for (const e of entries) {
      if (e.startsWith(".")) continue;
      const scoped = e.startsWith("@") ? (await fs.readdir(path.join(nm, e)).catch(() => [] as string[])).map((s) => `${e}/${s}`) : [e];
      for (const name of scoped) {
        if (name === "@pulumi/pulumi") found.push(path.join(nm, name));
        await walk(path.join(nm, name));
      }
    }
  };
  await walk(project);
  return found;
}

/** `npm ls @pulumi/pulumi` in a project, for the log. */
export async function npmLsSdk(project: string): Promise<string> {
  const r = await run("npm", ["ls", "@pulumi/pulumi"], { cwd: project, encoding: "utf8" }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ""}${e.stderr ?? ""}` }));
  return r.stdout.trim();
}

/** The upstream binaries the lead may have built outside the repo (see the guide). */
export const UPSTREAM_BIN = path.join(os.homedir(), ".cache", "pulumi-netns", "upstream", "bin");

async function present(file: string): Promise<boolean> {
  return fs.access(file, fs.constants.X_OK).then(() => true, () => false);
}

/**
 * The engine's bin folders for user projects: Pulumi's standard Node.js language host first when
 * present (TypeScript through ts-node, as users run it), else the engine's own small host. Returns
 * the PATH part and a line saying which host runs, for the test log.
 */
export async function userEngine(): Promise<{ binDir: string; note: string; commandPlugin: boolean }> {
  const engine = await engineBinDir();
  const lang = await present(path.join(UPSTREAM_BIN, "pulumi-language-nodejs"));
  const commandPlugin = await present(path.join(UPSTREAM_BIN, "pulumi-resource-command"));
  const binDir = lang || commandPlugin ? [UPSTREAM_BIN, engine].join(path.delimiter) : engine;
  const note = lang
    ? `language host: Pulumi's standard pulumi-language-nodejs from ${UPSTREAM_BIN}`
    : `language host: the engine's own (scripts/langhost), since Pulumi's standard pulumi-language-nodejs is absent from ${UPSTREAM_BIN}`;
  return { binDir, note, commandPlugin };
}

/** The first fenced block of LANG under the README heading "## HEADING". */
export async function readmeBlock(heading: string, lang: string): Promise<string> {
  const readme = await fs.readFile(path.join(REPO_ROOT, "README.md"), "utf8");
  const at = readme.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const section = readme.slice(at + 1).split(/\n## /)[0];
  const m = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(section);
  if (!m) throw new Error(`README.md section "${heading}" has no \`\`\`${lang} block`);
  return m[1];
}
