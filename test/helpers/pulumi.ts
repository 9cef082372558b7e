/**
 * A small runner for the real Pulumi CLI, for end-to-end tests of the root stack.
 *
 * Everything the CLI writes goes to a temp dir the test owns: the file backend
 * (PULUMI_BACKEND_URL), PULUMI_HOME (logs, workspace settings) and the stack's
 * config file. The program itself runs from the repo root, where Pulumi.yaml is.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { ExecutionContext } from "ava";

export interface PulumiResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 if the CLI was killed (timeout). */
  code: number;
  /** Wall-clock time of the command. */
  ms: number;
}

export interface PulumiCliOptions {
  /** The test's temp dir: holds the file backend (state/) and PULUMI_HOME (home/). */
  workDir: string;
  passphrase: string;
  /** Where to run; default the repo root. */
  cwd?: string;
  /** Folder with `pulumi` and its plugins, prepended to PATH (see engineBinDir). */
  binDir?: string;
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Extra environment for the CLI (and the plugins it starts), e.g. test-only fault-injection hooks. Cannot override the isolation settings. */
  env?: Record<string, string>;
}

/** The repo root: the folder of Pulumi.yaml (this file runs from dist/test/helpers). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

const FIVE_MIN = 5 * 60_000;

/** The CLI's environment: an isolated backend, home and passphrase (also for a CLI a test spawns itself). */
export function pulumiEnv(opts: PulumiCliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the caller's environment may redirect the CLI elsewhere.
  for (const k of ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_STACK", "PULUMI_BACKEND_URL", "PULUMI_HOME"]) delete env[k];
  Object.assign(env, opts.env);
  return Object.assign(env, {
    PULUMI_BACKEND_URL: `file://${path.join(opts.workDir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: path.join(opts.workDir, "home"),
    // The engine starts the language host and dynamic-provider plugin, which run `node`: the one running us.
    PATH: [opts.binDir, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter),
  });
}

/** Run `pulumi ARGS` (no shell) with an isolated backend, home and passphrase. Never throws on a non-zero exit. */
export function pulumiCli(args: string[], opts: PulumiCliOptions): Promise<PulumiResult> {
  const env = pulumiEnv(opts);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      "pulumi",
      args,
      { cwd: opts.cwd ?? REPO_ROOT, env, encoding: "utf8", timeout: opts.timeoutMs ?? FIVE_MIN, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const ms = Date.now() - started;
        if (!err) return resolve({ stdout, stderr, code: 0, ms });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === "number") return resolve({ stdout, stderr, code: e.code, ms });
        if (e.killed) return resolve({ stdout, stderr: `${stderr}\n[pulumiCli: killed after ${ms} ms (timeout)]`, code: -1, ms });
        reject(new Error(`pulumiCli: could not run pulumi ${args.join(" ")}: ${e.message}`)); // ENOENT etc.: a setup bug
      },
    );
    child.stdin?.on("error", () => {});
    child.stdin?.end(); // --non-interactive, and nothing may ever wait for input
  });
}

/** The folder of the pinned CLI (scripts/engine.sh builds it once, then answers from its cache in ~1 s). */
export function engineBinDir(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [path.join(REPO_ROOT, "scripts", "engine.sh")], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30 * 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`scripts/engine.sh failed: ${err.message}\n${stderr}`));
      const dir = stdout.trim().split("\n").pop() ?? "";
      if (!dir) return reject(new Error("scripts/engine.sh printed no bin folder"));
      resolve(dir);
    });
  });
}

/** Commands that take --config-file (the `stack ...` family does not). */
const TAKES_CONFIG_FILE = new Set(["preview", "up", "refresh", "destroy", "config"]);

/** A resource in `pulumi stack export`. */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  parent?: string;
  dependencies?: string[];
  outputs?: Record<string, unknown>;
}

/** `pulumi stack export`: its resources and pending operations, and the text itself. */
export interface ExportedState {
  resources: StateResource[];
  pending: Array<{ resource: { urn: string }; type: string }>;
  text: string;
}

/**
 * One stack of a project (the root one unless `projectDir` says otherwise), in its own
 * backend: the one stack wrapper the tests share. Its config file lives in the temp dir,
 * not next to Pulumi.yaml: `stack init` runs in a scratch copy of the project (same name,
 * same backend), every later command passes --config-file. So a run leaves no
 * Pulumi.<stack>.yaml in the repo, even when it crashes.
 */
export class TestStack {
  /** Every command run, in order, with its time. */
  readonly history: Array<{ args: string[]; code: number; ms: number }> = [];

  private constructor(
    readonly name: string,
    readonly workDir: string,
    readonly configFile: string,
    /** How its commands run (backend, passphrase, cwd), for a command spawned outside `run`. */
    readonly cli: Omit<PulumiCliOptions, "timeoutMs">,
  ) {}

  /** `projectDir`: the folder of the project's Pulumi.yaml, where commands run (default the repo root). */
  static async create(name: string, opts: { passphrase?: string; binDir?: string; projectDir?: string } = {}): Promise<TestStack> {
    const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `pulumi-netns-${name}-`));
    const scratch = path.join(workDir, "project");
    for (const d of [scratch, path.join(workDir, "state"), path.join(workDir, "home")]) await fs.mkdir(d);
    const projectDir = opts.projectDir ?? REPO_ROOT;
    await fs.copyFile(path.join(projectDir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    const cli = { workDir, passphrase: opts.passphrase ?? `e2e-passphrase-${name}`, binDir: opts.binDir, cwd: projectDir };
    const stack = new TestStack(name, workDir, path.join(scratch, `Pulumi.${name}.yaml`), cli);
    const init = await stack.run(["stack", "init"], { cwd: scratch }); // the name comes from --stack
    if (init.code !== 0) {
      await fs.rm(workDir, { recursive: true, force: true });
      throw new Error(`pulumi stack init ${name} failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
    }
    return stack;
  }

  /** `pulumi ARGS` with `fullArgs`. */
  async run(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<PulumiResult> {
    const r = await pulumiCli(this.fullArgs(args), { ...this.cli, ...opts });
    this.history.push({ args, code: r.code, ms: r.ms });
    return r;
  }

  /** ARGS as `run` passes them: `--stack NAME --non-interactive --color never [--config-file F]`. */
  fullArgs(args: string[]): string[] {
    const full = [...args, "--stack", this.name, "--non-interactive", "--color", "never"];
    if (TAKES_CONFIG_FILE.has(args[0])) full.push("--config-file", this.configFile);
    return full;
  }

  /** `pulumi config set KEY VALUE` (plain text). */
  async configSet(key: string, value: string): Promise<PulumiResult> {
    return this.run(["config", "set", key, value]);
  }

  /** `pulumi config set --secret KEY -- VALUE` (the value may start with "-", as a PEM key does). */
  async configSetSecret(key: string, value: string): Promise<PulumiResult> {
    const full = ["config", "set", "--secret", "--stack", this.name, "--non-interactive", "--config-file", this.configFile, key, "--", value];
    const r = await pulumiCli(full, this.cli);
    this.history.push({ args: ["config", "set", "--secret", key], code: r.code, ms: r.ms });
    return r;
  }

  /** `pulumi stack export`, parsed; throws when the command fails. */
  async exportState(): Promise<ExportedState> {
    const r = await this.run(["stack", "export"]);
    if (r.code !== 0) throw new Error(`pulumi stack export failed: ${tail(r.stdout + r.stderr)}`);
    const d = JSON.parse(r.stdout).deployment ?? {};
    return { resources: d.resources ?? [], pending: d.pending_operations ?? [], text: r.stdout };
  }

  /** The commands run, one line each with its time and exit code, for a test's log (an argument holding key text is left out). */
  historyText(): string {
    const line = (h: TestStack["history"][number]) => `  ${(h.ms / 1000).toFixed(1).padStart(6)} s  exit ${h.code}  pulumi ${h.args.filter((a) => !a.includes("PRIVATE KEY")).join(" ")}`;
    return "pulumi commands:\n" + this.history.map(line).join("\n");
  }

  /** `remove()`, each problem logged on `t` as "cleanup: ...". */
  async removeLogged(t: ExecutionContext): Promise<void> {
    for (const p of await this.remove()) t.log(`cleanup: ${p}`);
  }

  /** Best effort: destroy (errors ignored), remove the stack and the temp dir. Returns what went wrong, for logging. */
  async remove(destroyTimeoutMs?: number): Promise<string[]> {
    const problems: string[] = [];
    const destroy = await this.run(["destroy", "--yes"], { timeoutMs: destroyTimeoutMs }).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message, ms: 0 }));
    if (destroy.code !== 0) problems.push(`destroy exit ${destroy.code}: ${tail(destroy.stdout + destroy.stderr)}`);
    const rm = await this.run(["stack", "rm", "--yes", "--force"]).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message, ms: 0 }));
    if (rm.code !== 0) problems.push(`stack rm exit ${rm.code}: ${tail(rm.stdout + rm.stderr)}`);
    await fs.rm(this.workDir, { recursive: true, force: true });
    return problems;
  }
}

/** A node of the two-node example's `nodes` config, as a user writes it (examples/two-node). */
export interface NodeCfg {
  name: string;
  subnet: string;
  namespaces?: Record<string, string>;
}

/** Set the example's whole `nodes` list in one call: this CLI has no `config set --json`, so `set-all --path`, one path per field. */
export function setNodes(stack: TestStack, nodes: NodeCfg[]): Promise<PulumiResult> {
  return stack.run([
    "config", "set-all", "--path",
    ...nodes.flatMap((n, i) => [
      "--plaintext", `nodes[${i}].name=${n.name}`,
      "--plaintext", `nodes[${i}].subnet=${n.subnet}`,
      ...Object.entries(n.namespaces ?? {}).flatMap(([ns, ip]) => ["--plaintext", `nodes[${i}].namespaces.${ns}=${ip}`]),
    ]),
  ]);
}

/** Assert a CLI command succeeded, logging its time; on failure the message carries the output's tail. */
export function ok(t: ExecutionContext, r: PulumiResult, what: string): boolean {
  t.log(`${what}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s`);
  return t.is(r.code, 0, `${what} failed (exit ${r.code}):\n${tail(r.stdout, 60)}\n${tail(r.stderr, 30)}`);
}

/** The last lines of a command's output, for assertion messages. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The numbers of the `Resources:` summary, e.g. {"to create": 33} or {"to update": 1, "to replace": 8, "unchanged": 24}. */
export function resourceSummary(output: string): Record<string, number> {
  const at = output.lastIndexOf("\nResources:\n");
  if (at < 0) return {};
  const out: Record<string, number> = {};
  for (const line of output.slice(at + "\nResources:\n".length).split("\n")) {
    if (!line.trim()) break;
    // "    + 33 to create", "    +-8 to replace", "    9 changes. 24 unchanged"
    for (const m of line.matchAll(/(\d+) ([a-z][a-z ]*?)(?=\.|$)/g)) out[m[2].trim()] = Number(m[1]);
  }
  return out;
}

/** A resource step the CLI printed: its type token, kind (last part of the type), name and operation word. */
export interface ShownStep {
  type: string;
  kind: string;
  name: string;
  op: string;
}

/**
 * Steps from the progress display (`preview`, `up`, `refresh`, `destroy` without --diff):
 * lines like ` +  pulumi-nodejs:dynamic/netns:LabVm node1-vm create` or `... deleted (0.3s)`.
 * Only lines with the given operation words; deduplicated.
 */
export function shownSteps(output: string, ops: string[]): ShownStep[] {
  const seen = new Map<string, ShownStep>();
  for (const line of output.split("\n")) {
    const m = /^\s*[-+~<>]*\s+(\S+:\S*:\S+)\s+(\S+)\s+([a-z-]+)(?:\s+\([^)]*\))?\s*$/.exec(line);
    if (!m || !ops.includes(m[3])) continue;
    const step = { type: m[1], kind: m[1].split(":").pop()!, name: m[2], op: m[3] };
    seen.set(`${step.type} ${step.name} ${step.op}`, step);
  }
  return [...seen.values()];
}

/**
 * Steps from `preview --diff` output: a header `~ TYPE: (update)` / `+-TYPE: (replace)`
 * followed by `[urn=...::NAME]`. Includes "same" for resources shown without change.
 */
export function diffSteps(output: string): ShownStep[] {
  const steps: ShownStep[] = [];
  let pending: { type: string; op: string } | undefined;
  for (const line of output.split("\n")) {
    const h = /^\s*[-+~<>]*\s*([A-Za-z0-9_.-]+:[A-Za-z0-9_./-]*:[A-Za-z0-9_]+): \(([a-z-]+)\)\s*$/.exec(line);
    if (h) {
      pending = { type: h[1], op: h[2] };
      continue;
    }
    const u = /^\s*\[urn=(.+)\]\s*$/.exec(line);
    if (u && pending) {
      steps.push({ type: pending.type, kind: pending.type.split(":").pop()!, name: u[1].split("::").pop()!, op: pending.op });
      pending = undefined;
    }
  }
  return steps;
}
