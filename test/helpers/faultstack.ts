/**
 * A stack of the faults project (test/faults/stack) in its own file backend, whose commands can be
 * killed midway: `start` spawns the CLI in its own process group, so a test can kill -9 the CLI
 * alone (as the OOM killer or a closed terminal does; its plugins live on) or the whole tree (as a
 * CI timeout does).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { pulumiEnv, REPO_ROOT, TestStack, type ExportedState, type PulumiResult } from "./pulumi";

export const FAULTS_PROJECT = path.join(REPO_ROOT, "test", "faults", "stack");

/** A TestStack of the faults project (or another), plus what the fault tests need: `start`, the state, the sidecar repair. */
export class FaultStack {
  private constructor(private readonly stack: TestStack) {}

  static async create(name: string, binDir: string, config: Record<string, string>, project = FAULTS_PROJECT): Promise<FaultStack> {
    const s = new FaultStack(await TestStack.create(name, { binDir, projectDir: project }));
    for (const [k, v] of Object.entries(config)) await s.run(["config", "set", k, v]);
    return s;
  }

  get name(): string {
    return this.stack.name;
  }

  /** Run to the end. */
  run(args: string[], timeoutMs = 10 * 60_000): Promise<PulumiResult> {
    return this.stack.run(args, { timeoutMs });
  }

  /** Start a command in its own process group, to be killed midway. */
  start(args: string[]): ChildProcess {
    const { cli } = this.stack;
    const child = spawn("pulumi", this.stack.fullArgs(args), { cwd: cli.cwd, env: pulumiEnv(cli), detached: true, stdio: "ignore" });
    this.stack.history.push({ args: [...args, "(killed)"], code: -1, ms: 0 });
    return child;
  }

  /** `pulumi stack export`, parsed (TestStack's). */
  exportState(): Promise<ExportedState> {
    return this.stack.exportState();
  }

  /**
   * The README's repair after a kill (section "Interrupted runs"): the file backend writes each
   * blob's metadata sidecar (`<stack>.json.attrs`) in place, so a CLI killed while saving a
   * checkpoint can leave it empty, and every later command fails with "failed to load checkpoint:
   * EOF". The checkpoint itself is written atomically (temp file, rename); an absent sidecar is
   * read as no metadata. Removes empty sidecars; returns their paths below the backend.
   */
  async repairSidecars(): Promise<string[]> {
    const root = path.join(this.stack.workDir, "state");
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

  /** Best effort (see TestStack.remove): destroy, remove the stack and its temp dir. Returns what went wrong. */
  remove(): Promise<string[]> {
    return this.stack.remove(10 * 60_000);
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
