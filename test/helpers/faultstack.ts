/**
 * A stack of the faults project (test/faults/stack) in its own file backend, whose commands can be
 * killed midway: `start` spawns the CLI in its own process group, so a test can kill -9 the CLI
 * alone (as the OOM killer or a closed terminal does; its plugins live on) or the whole tree (as a
 * CI timeout does).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCli, REPO_ROOT, type PulumiResult } from "./pulumi";

/** A resource in `pulumi stack export`. */
export interface StateResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

export const FAULTS_PROJECT = path.join(REPO_ROOT, "test", "faults", "stack");

export class FaultStack {
  readonly history: Array<{ args: string[]; code: number; ms: number }> = [];
  private constructor(readonly name: string, readonly workDir: string, readonly configFile: string, private readonly binDir: string, readonly project: string) {}

  static async create(name: string, binDir: string, config: Record<string, string>, project = FAULTS_PROJECT): Promise<FaultStack> {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `pulumi-netns-${name}-`));
    const scratch = path.join(workDir, "project");
    for (const d of [scratch, path.join(workDir, "state"), path.join(workDir, "home")]) await fs.mkdir(d);
    // `stack init` writes Pulumi.<stack>.yaml next to Pulumi.yaml: do it in a scratch copy, then use --config-file.
    await fs.copyFile(path.join(project, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    const s = new FaultStack(name, workDir, path.join(scratch, `Pulumi.${name}.yaml`), binDir, project);
    const init = await pulumiCli(["stack", "init", name, "--non-interactive"], { ...s.cli(), cwd: scratch });
    if (init.code !== 0) throw new Error(`pulumi stack init ${name} failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
    for (const [k, v] of Object.entries(config)) await s.run(["config", "set", k, v]);
    return s;
  }

  private cli() {
    return { workDir: this.workDir, passphrase: `faults-${this.name}`, binDir: this.binDir };
  }

  private full(args: string[]): string[] {
    const withConfig = ["preview", "up", "refresh", "destroy", "config"].includes(args[0]) ? ["--config-file", this.configFile] : [];
    return [...args, "--stack", this.name, "--non-interactive", "--color", "never", ...withConfig];
  }

  /** Run to the end. */
  async run(args: string[], timeoutMs = 10 * 60_000): Promise<PulumiResult> {
    const r = await pulumiCli(this.full(args), { ...this.cli(), cwd: this.project, timeoutMs });
    this.history.push({ args, code: r.code, ms: r.ms });
    return r;
  }

  /** Start a command in its own process group, to be killed midway. */
  start(args: string[]): ChildProcess {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_STACK"]) delete env[k];
    Object.assign(env, {
      PULUMI_BACKEND_URL: `file://${path.join(this.workDir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: this.cli().passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_HOME: path.join(this.workDir, "home"),
      PATH: [this.binDir, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter),
    });
    const child = spawn("pulumi", this.full(args), { cwd: this.project, env, detached: true, stdio: "ignore" });
    this.history.push({ args: [...args, "(killed)"], code: -1, ms: 0 });
    return child;
  }

  /** `pulumi stack export` as JSON: resources and pending operations. */
  async exportState(): Promise<{ resources: StateResource[]; pending: Array<{ resource: { urn: string }; type: string }> }> {
    const r = await this.run(["stack", "export"]);
    const d = (JSON.parse(r.stdout) as { deployment: { resources?: StateResource[]; pending_operations?: Array<{ resource: { urn: string }; type: string }> } }).deployment;
    return { resources: d.resources ?? [], pending: d.pending_operations ?? [] };
  }

  /**
   * The README's repair after a kill (section "Interrupted runs"): the file backend writes each
   * blob's metadata sidecar (`<stack>.json.attrs`) in place, so a CLI killed while saving a
   * checkpoint can leave it empty, and every later command fails with "failed to load checkpoint:
   * EOF". The checkpoint itself is written atomically (temp file, rename); an absent sidecar is
   * read as no metadata. Removes empty sidecars; returns their paths below the backend.
   */
  async repairSidecars(): Promise<string[]> {
    const root = path.join(this.workDir, "state");
    const found: string[] = [];
    for (const f of await fs.readdir(root, { recursive: true })) {
      const p = path.join(root, f);
      if (f.endsWith(".attrs") && (await fs.stat(p)).size === 0) {
        await fs.rm(p);
        found.push(f);
      }
    }
    return found;
  }

  async remove(): Promise<void> {
    await this.run(["destroy", "--yes"]).catch(() => undefined);
    await pulumiCli(["stack", "rm", this.name, "--yes", "--force", "--non-interactive"], { ...this.cli(), cwd: path.dirname(this.configFile) }).catch(() => undefined);
    await fs.rm(this.workDir, { recursive: true, force: true });
  }
}

/** The process and all its descendants (by parent pid, now: a plugin may have its own process group). */
export function processTree(pid: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of rows) if (pp === tree[i]) tree.push(p);
  return tree;
}

/**
 * kill -9 the CLI alone (tree false) or the CLI and every process it started (tree true). Returns the
 * whole tree as it was, so a test can reap the orphaned plugins once they have finished their work.
 */
export function kill9(child: ChildProcess, tree: boolean): number[] {
  if (child.pid === undefined) return [];
  const all = processTree(child.pid);
  for (const p of tree ? all : [child.pid]) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return all;
}

/** Kill what is left of a killed command's tree (plugins orphaned by a CLI kill), once they are done. */
export function reap(pids: number[]): void {
  for (const p of pids) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
