/**
 * The upstream binaries the remote.Command comparison needs, found, never built or fetched:
 *   - the `command` resource plugin 1.2.1 (`pulumi-resource-command`): on PATH, in the
 *     folder PULUMI_NETNS_BENCH_PLUGIN_PATH names, or in Pulumi's plugin cache
 *     ($PULUMI_HOME/plugins, ~/.pulumi/plugins: what `pulumi plugin install resource
 *     command 1.2.1` fills);
 *   - Pulumi's standard Node.js language host (`pulumi-language-nodejs`, the one users
 *     run): PULUMI_NETNS_BENCH_LANGUAGE_HOST (a file), or ~/.cache/pulumi-netns/upstream/bin.
 *     Without it both sides run on our own host (scripts/langhost) and the report says so.
 * Both sides of the comparison always use the same language host.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const COMMAND_VERSION = "1.2.1";
export const SKIP_LINE = `skipped: no command plugin (pulumi plugin install resource command ${COMMAND_VERSION})`;

export interface Upstream {
  /** The command plugin binary, or undefined (the comparison is skipped). */
  commandPlugin?: string;
  /** Where it was found. */
  commandPluginFrom?: string;
  /** The standard language host binary, or undefined (our own host is used). */
  languageHost?: string;
  /** What the runs use, for the report: "standard (<path>, <version>)" or "ours (scripts/langhost)". */
  languageHostLabel: string;
}

const isExe = (f: string) => {
  try {
    return fs.statSync(f).isFile() && (fs.statSync(f).mode & 0o111) !== 0;
  } catch {
    return false;
  }
};

export function findUpstream(engineBin: string): Upstream {
  const exe = "pulumi-resource-command";
  const pathDirs = [process.env.PULUMI_NETNS_BENCH_PLUGIN_PATH, ...(process.env.PATH ?? "").split(path.delimiter)].filter((d): d is string => !!d);
  const homes = [process.env.PULUMI_HOME, path.join(os.homedir(), ".pulumi")].filter((d): d is string => !!d);
  const candidates: Array<[string, string]> = [
    ...pathDirs.map((d) => [path.join(d, exe), `PATH (${d})`] as [string, string]),
    ...homes.map((h) => [path.join(h, "plugins", `resource-command-v${COMMAND_VERSION}`, exe), `plugin cache (${h}/plugins)`] as [string, string]),
  ];
  const hit = candidates.find(([f]) => isExe(f));

  const lhCandidates = [process.env.PULUMI_NETNS_BENCH_LANGUAGE_HOST, path.join(os.homedir(), ".cache", "pulumi-netns", "upstream", "bin", "pulumi-language-nodejs")]
    .filter((f): f is string => !!f && isExe(f) && path.dirname(path.resolve(f)) !== path.resolve(engineBin));
  const languageHost = lhCandidates[0];
  let label = "ours (scripts/langhost, built by scripts/engine.sh): the standard host was not found";
  if (languageHost) {
    let version = "";
    try {
      version = execFileSync(languageHost, ["-version"], { encoding: "utf8", timeout: 10_000 }).trim();
    } catch {
      /* no -version flag: the path says enough */
    }
    label = `Pulumi's standard Node.js language host${version ? ` ${version}` : ""} (${languageHost})`;
  }
  return { commandPlugin: hit?.[0], commandPluginFrom: hit?.[1], languageHost, languageHostLabel: label };
}

/**
 * Make a temporary PULUMI_HOME see the command plugin (the engine looks there after PATH) and
 * return a folder to put first on PATH, holding this checkout's dynamic-provider launcher
 * (scripts/dynamic-provider.sh: the shared engine cache may hold another checkout's) and,
 * when found, the standard language host.
 */
export function wireUpstream(u: Upstream | undefined, pulumiHome: string, scratch: string, repoRoot: string): string {
  if (u?.commandPlugin) {
    const dir = path.join(pulumiHome, "plugins", `resource-command-v${COMMAND_VERSION}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(path.resolve(u.commandPlugin), path.join(dir, "pulumi-resource-command"));
  }
  const bin = path.join(scratch, "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "scripts", "dynamic-provider.sh"), path.join(bin, "pulumi-resource-pulumi-nodejs"));
  if (u?.languageHost) fs.symlinkSync(path.resolve(u.languageHost), path.join(bin, "pulumi-language-nodejs"));
  return bin;
}
