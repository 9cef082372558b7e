/**
 * Mode 3, the engine: the bench stack (test/bench/stack) driven by the real Pulumi CLI,
 * with a file backend, PULUMI_HOME and config file in a temp folder the bench owns.
 * Each command is timed from spawn to exit; meanwhile the dynamic-provider process (and
 * the program's node process) are found among the CLI's descendants and their
 * VmHWM/VmRSS polled; sshd logs give handshakes and round trips; the profiling hook
 * (hook.ts) gives per-call timings inside the provider process.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SshCount, SshdCounter } from "./lab";
import { wireUpstream, type Upstream } from "./upstream";

/** dist/test/bench → repo root. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const HOOK = path.join(__dirname, "hook.js");

/** The two programs: our NodeNetwork stack and the same network with remote.Command. */
export const PROGRAMS = {
  netns: { dir: path.join(REPO_ROOT, "test", "bench", "stack"), project: "pulumi-netns-bench" },
  command: { dir: path.join(REPO_ROOT, "test", "bench", "cmdstack"), project: "pulumi-netns-bench-command" },
} as const;
export type Program = keyof typeof PROGRAMS;

export interface MemPeak {
  /** Peak resident set (VmHWM, kB) of the dynamic-provider process(es) and the program's node process. */
  providerHwmKb: number;
  programHwmKb: number;
  providerPids: number[];
  /** CPU seconds (user + system, sampled every 100 ms) by process role (provider: ours or the command plugin). */
  cpuS: { cli: number; langhost: number; program: number; provider: number };
  /** The language host binaries the CLI ran (from /proc/<pid>/exe). */
  langhosts?: string[];
  /** ms from the CLI's spawn to the first sample that saw a process of each role (100 ms resolution). */
  firstSeenMs?: Partial<Record<"langhost" | "program" | "provider", number>>;
}

export interface ProfileSummary {
  /** ms from the CLI's spawn to: provider process start, first SSH command, last command end; and the CLI's exit. */
  providerStartMs: number;
  firstExecMs: number;
  lastExecEndMs: number;
  totalMs: number;
  execs: number;
  execMedianMs: number;
  execMeanMs: number;
  dials: number;
  dialMeanMs: number;
  /** Provider operations that touch a host (create/read/update/delete). */
  ops: number;
  opMeanMs: number;
  /** Time with at least one SSH command in flight, and the mean number in flight then. */
  execBusyMs: number;
  execConcurrency: number;
  checkDiffCalls: number;
  /** In the program's process: its start, first and last resource registration, end of the first dynamic provider's serialization. */
  programStartMs: number;
  firstRegisterMs: number;
  lastRegisterMs: number;
  firstSerializeEndMs: number;
  serializeCalls: number;
  /** Dynamic-provider processes the engine started, and the mean ms from a process's start to its port announcement (modules loaded). */
  providerProcesses: number;
  providerBootMs: number;
  /** ms from the CLI's spawn to the last provider process's readiness (the one that does the work). */
  lastReadyMs: number;
}

export interface CliRun {
  args: string[];
  code: number;
  ms: number;
  stdout: string;
  stderr: string;
  ssh?: SshCount;
  mem: MemPeak;
  profile?: ProfileSummary;
  /** Raw per-call profile lines (JSONL files), until the stack is removed. */
  profileDir?: string;
  startEpoch?: number;
}

export class BenchStack {
  private seq = 0;
  private constructor(
    readonly name: string,
    readonly workDir: string,
    readonly configFile: string,
    private readonly binDir: string,
    private readonly passphrase: string,
    readonly program: Program,
    /** A folder put first on PATH: our dynamic-provider launcher and the language host both programs run with (upstream.ts). */
    private readonly langBin: string,
  ) {}

  /**
   * A stack of `program` with its own file backend, PULUMI_HOME and config. With `upstream`,
   * the command plugin is made visible in that PULUMI_HOME and its language host is used.
   */
  static async create(binDir: string, name = "bench", program: Program = "netns", upstream?: Upstream): Promise<BenchStack> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-netns-bench-${program}-`));
    const scratch = path.join(workDir, "project");
    for (const d of [scratch, path.join(workDir, "state"), path.join(workDir, "home"), path.join(workDir, "profile")]) fs.mkdirSync(d);
    const langBin = wireUpstream(upstream, path.join(workDir, "home"), workDir, REPO_ROOT);
    // `stack init` writes the stack's encryption salt into Pulumi.<stack>.yaml next to
    // Pulumi.yaml: do it in a scratch copy of the project, keep using that file via --config-file.
    fs.copyFileSync(path.join(PROGRAMS[program].dir, "Pulumi.yaml"), path.join(scratch, "Pulumi.yaml"));
    const s = new BenchStack(name, workDir, path.join(scratch, `Pulumi.${name}.yaml`), binDir, `bench-${process.pid}`, program, langBin);
    const init = await s.cli(["stack", "init", name, "--non-interactive"], scratch);
    if (init.code !== 0) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw new Error(`pulumi stack init failed (exit ${init.code}):\n${init.stdout}\n${init.stderr}`);
    }
    return s;
  }

  /** Write the stack's config (keeps the encryption salt `stack init` wrote). */
  configure(values: Record<string, string | number>): void {
    const keep = fs.existsSync(this.configFile)
      ? fs.readFileSync(this.configFile, "utf8").split("\n").filter((l) => /^(encryptionsalt|secretsprovider|encryptedkey):/.test(l))
      : [];
    const cfg = Object.entries(values).map(([k, v]) => `  ${PROGRAMS[this.program].project}:${k}: ${JSON.stringify(String(v))}`);
    fs.writeFileSync(this.configFile, [...keep, "config:", ...cfg, ""].join("\n"));
  }

  /** `pulumi ARGS` for this stack from the project folder; counts SSH on the lab if a counter is given. */
  async run(args: string[], counter?: SshdCounter, timeoutMs = 15 * 60_000, extraEnv: Record<string, string> = {}): Promise<CliRun> {
    const full = [...args, "--stack", this.name, "--non-interactive", "--color", "never", "--config-file", this.configFile];
    const mark = counter?.mark();
    const profDir = path.join(this.workDir, "profile", String(++this.seq));
    fs.mkdirSync(profDir);
    const r = await this.cli(full, PROGRAMS[this.program].dir, timeoutMs, profDir, extraEnv);
    r.profileDir = profDir;
    if (counter && mark) r.ssh = counter.since(mark);
    r.profile = summarizeProfile(profDir, r.startEpoch, r.ms);
    return r;
  }

  /**
   * The stack's checkpoint as the engine last wrote it (file backend): its size, and the
   * mean JSON size of the network's resources (custom resources, not providers or the stack).
   */
  stateBytes(): { fileBytes: number; resources: number; perResource: number } {
    const dir = path.join(this.workDir, "state", ".pulumi", "stacks", PROGRAMS[this.program].project);
    const file = path.join(dir, `${this.name}.json`);
    const text = fs.readFileSync(file, "utf8");
    const cp = JSON.parse(text) as { checkpoint?: { latest?: { resources?: Array<{ type: string; custom?: boolean }> } } };
    const rs = (cp.checkpoint?.latest?.resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const bytes = rs.reduce((a, r) => a + Buffer.byteLength(JSON.stringify(r)), 0);
    return { fileBytes: Buffer.byteLength(text), resources: rs.length, perResource: rs.length ? bytes / rs.length : NaN };
  }

  async remove(): Promise<string[]> {
    const problems: string[] = [];
    const d = await this.run(["destroy", "--yes"]).catch((e: Error) => ({ code: -1, stdout: "", stderr: e.message }) as CliRun);
    if (d.code !== 0) problems.push(`destroy exit ${d.code}: ${tail(d.stdout + d.stderr)}`);
    const rm = await this.cli(["stack", "rm", this.name, "--yes", "--force", "--non-interactive"], path.join(this.workDir, "project"));
    if (rm.code !== 0) problems.push(`stack rm exit ${rm.code}: ${tail(rm.stdout + rm.stderr)}`);
    fs.rmSync(this.workDir, { recursive: true, force: true });
    return problems;
  }

  private cli(args: string[], cwd: string, timeoutMs = 5 * 60_000, profDir?: string, extraEnv: Record<string, string> = {}): Promise<CliRun & { startEpoch: number }> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_STACK", "NODE_OPTIONS"]) delete env[k];
    Object.assign(env, {
      PULUMI_BACKEND_URL: `file://${path.join(this.workDir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_HOME: path.join(this.workDir, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PATH: [this.langBin, this.binDir, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      ...(profDir ? { PULUMI_NETNS_BENCH_PROFILE: profDir, NODE_OPTIONS: `--require ${HOOK}` } : {}),
      ...extraEnv,
    });
    const startEpoch = Date.now();
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (d: Buffer) => out.push(d));
      child.stderr.on("data", (d: Buffer) => err.push(d));
      const watch = child.pid ? new ProcWatch(child.pid) : undefined;
      const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
      child.on("error", (e) => {
        clearTimeout(timer);
        watch?.stop();
        reject(new Error(`could not run pulumi: ${e.message}`));
      });
      child.on("close", (code) => {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        const mem = watch?.stop() ?? { providerHwmKb: 0, programHwmKb: 0, providerPids: [], cpuS: { cli: 0, langhost: 0, program: 0, provider: 0 }, langhosts: [] };
        resolve({ args, code: code ?? -1, ms, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), mem, startEpoch });
      });
    });
  }
}

/**
 * Polls /proc every 100 ms for the CLI's descendants (this kernel has no
 * /proc/<pid>/task/<tid>/children, and there are few processes: a full scan is cheap).
 * VmHWM is the peak resident set so far, so the last sample before a process exits holds its peak.
 */
type Role = "cli" | "langhost" | "program" | "provider";

class ProcWatch {
  private readonly timer: NodeJS.Timeout;
  private readonly hwm = new Map<number, { role: Role; kb: number; ticks: number; exe?: string }>();
  private readonly t0 = performance.now();
  private readonly seen: Partial<Record<Role, number>> = {};
  constructor(private readonly root: number) {
    this.timer = setInterval(() => this.tick(), 100);
    this.tick();
  }

  private tick(): void {
    const parent = new Map<number, number>();
    const ticks = new Map<number, number>();
    for (const e of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(e)) continue;
      const stat = readOr(`/proc/${e}/stat`);
      // fields after "(comm) ": state ppid ... utime(14) stime(15)
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (f.length < 14) continue;
      parent.set(Number(e), Number(f[1]));
      ticks.set(Number(e), Number(f[11]) + Number(f[12]));
    }
    for (const [pid] of parent) {
      let p: number | undefined = pid;
      let depth = 0;
      while (p !== undefined && p !== this.root && p > 1 && depth++ < 8) p = parent.get(p);
      if (p !== this.root) continue;
      const cmd = pid === this.root ? "" : readOr(`/proc/${pid}/cmdline`).replace(/\0/g, " ");
      const role: Role | undefined =
        pid === this.root ? "cli"
        : /@pulumi\/pulumi\/cmd\/dynamic-provider\/index\.js|pulumi-resource-command/.test(cmd) ? "provider"
        : /@pulumi\/pulumi\/cmd\/run\b/.test(cmd) ? "program"
        : /pulumi-language-nodejs/.test(cmd) ? "langhost"
        : undefined;
      if (!role) continue;
      const kb = role === "provider" || role === "program" ? Number(/VmHWM:\s+(\d+)/.exec(readOr(`/proc/${pid}/status`))?.[1] ?? 0) : 0;
      const prev = this.hwm.get(pid);
      let exe = prev?.exe;
      if (role === "langhost" && !exe) {
        try {
          exe = fs.readlinkSync(`/proc/${pid}/exe`);
        } catch {
          /* gone already */
        }
      }
      this.seen[role] ??= performance.now() - this.t0;
      this.hwm.set(pid, { role, kb: Math.max(kb, prev?.kb ?? 0), ticks: Math.max(ticks.get(pid) ?? 0, prev?.ticks ?? 0), exe });
    }
  }

  stop(): MemPeak {
    clearInterval(this.timer);
    const of = (role: Role) => [...this.hwm.values()].filter((v) => v.role === role).reduce((a, v) => Math.max(a, v.kb), 0);
    const cpu = (role: Role) => [...this.hwm.values()].filter((v) => v.role === role).reduce((a, v) => a + v.ticks, 0) / CLK_TCK;
    return {
      providerHwmKb: of("provider"),
      programHwmKb: of("program"),
      providerPids: [...this.hwm].filter(([, v]) => v.role === "provider").map(([p]) => p),
      cpuS: { cli: cpu("cli"), langhost: cpu("langhost"), program: cpu("program"), provider: cpu("provider") },
      firstSeenMs: { langhost: this.seen.langhost, program: this.seen.program, provider: this.seen.provider },
      langhosts: [...new Set([...this.hwm.values()].flatMap((v) => (v.exe ? [v.exe] : [])))],
    };
  }
}

const CLK_TCK = 100; // USER_HZ on Linux

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

interface Rec {
  t: string;
  s: number;
  e: number;
  op?: string;
  kind?: string;
  pid?: number;
}

function summarizeProfile(dir: string, startEpoch: number, totalMs: number): ProfileSummary | undefined {
  const recs: Rec[] = [];
  for (const f of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) if (line) recs.push(JSON.parse(line) as Rec);
  }
  if (recs.length === 0) return undefined;
  const rel = (x: number) => x - startEpoch;
  const starts = recs.filter((r) => r.t === "start");
  const execs = recs.filter((r) => r.t === "exec");
  const dials = recs.filter((r) => r.t === "dial");
  const ops = recs.filter((r) => r.t === "op" && ["create", "read", "update", "delete"].includes(r.op ?? ""));
  const durs = execs.map((r) => r.e - r.s).sort((a, b) => a - b);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : NaN);
  const busy = unionMs(execs);
  const regs = recs.filter((r) => r.t === "register");
  const sers = recs.filter((r) => r.t === "serialize");
  const readies = recs.filter((r) => r.t === "ready");
  const minRel = (xs: number[]) => (xs.length ? rel(Math.min(...xs)) : NaN);
  return {
    providerStartMs: starts.length ? rel(Math.min(...starts.map((r) => r.s))) : NaN,
    firstExecMs: execs.length ? rel(Math.min(...execs.map((r) => r.s))) : NaN,
    lastExecEndMs: execs.length ? rel(Math.max(...execs.map((r) => r.e))) : NaN,
    totalMs,
    execs: execs.length,
    execMedianMs: durs.length ? durs[Math.floor(durs.length / 2)] : NaN,
    execMeanMs: mean(durs),
    dials: dials.length,
    dialMeanMs: mean(dials.map((r) => r.e - r.s)),
    ops: ops.length,
    opMeanMs: mean(ops.map((r) => r.e - r.s)),
    execBusyMs: busy,
    execConcurrency: busy > 0 ? durs.reduce((a, x) => a + x, 0) / busy : NaN,
    checkDiffCalls: recs.filter((r) => r.t === "op" && (r.op === "check" || r.op === "diff")).length,
    programStartMs: minRel(recs.filter((r) => r.t === "pstart").map((r) => r.s)),
    firstRegisterMs: minRel(regs.map((r) => r.s)),
    lastRegisterMs: regs.length ? rel(Math.max(...regs.map((r) => r.s))) : NaN,
    firstSerializeEndMs: minRel(sers.map((r) => r.e)),
    serializeCalls: sers.length,
    providerProcesses: starts.length,
    providerBootMs: mean(readies.map((r) => r.s - (starts.find((x) => x.pid === r.pid)?.s ?? NaN)).filter(Number.isFinite)),
    lastReadyMs: readies.length ? rel(Math.max(...readies.map((r) => r.s))) : NaN,
  };
}

/** Length of the union of intervals. */
function unionMs(xs: Rec[]): number {
  const s = [...xs].sort((a, b) => a.s - b.s);
  let total = 0;
  let cs = -Infinity;
  let ce = -Infinity;
  for (const r of s) {
    if (r.s > ce) {
      if (ce > cs) total += ce - cs;
      cs = r.s;
      ce = r.e;
    } else ce = Math.max(ce, r.e);
  }
  if (ce > cs) total += ce - cs;
  return total;
}

export function tail(text: string, lines = 30): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The folder of the pinned CLI (scripts/engine.sh; PATH may already have it). */
export function engineBinDir(): string {
  const onPath = (process.env.PATH ?? "").split(path.delimiter).find((d) => d && fs.existsSync(path.join(d, "pulumi")) && fs.existsSync(path.join(d, "pulumi-resource-pulumi-nodejs")));
  if (!onPath) throw new Error("pulumi (with our dynamic-provider launcher) not on PATH: run through scripts/bench.sh");
  return onPath;
}
