/**
 * `npm run bench` (scripts/bench.sh → node dist/test/bench/run.js [options]).
 *
 * On one lab ("bench", index 30, VMs = namespaces with a real sshd), in one run:
 *   probe    handshake / round-trip latencies (explains the rest)
 *   floor    the two-node tutorial's commands, one script per node over one connection
 *   direct   the same network through the providers directly (buildNode / destroyAll)
 *   engine   the bench stack through `pulumi up --skip-preview`, `preview --expect-no-changes`,
 *            `refresh --skip-preview`, `destroy`; and the empty program (engine overhead)
 *   scale    the engine at 1..200 namespaces on one host (NodeNetwork expanded, `compact: false`, and compact)
 *            and 2..8 hosts (2 namespaces each), each next to its own floor
 *   versus   NodeNetwork (the default, compact; and `compact: false`) against the same network in remote.Command
 *            (@pulumi/command 1.2.1, test/bench/cmdstack) at 2x2, 2x25, 8x2, interleaved
 *            (versus.ts); skipped with one line when no command plugin is found (upstream.ts)
 * Writes test/bench/results/<mode>.json and .md; a full run also writes test/bench/scale.svg
 * and the generated section of BENCHMARKS.md. Everything it makes is removed, also on failure.
 *
 * Options: --runs R (3)  --scale-runs R (2)  --big-runs R (1: points over 300 resources)
 *          --ns 1,10,50,200  --hosts 2,4,8 ("none": skip)
 *          --no-what-if (skip the largest point rerun with PULUMI_SKIP_CHECKPOINTS=true)
 *          --quick (1 run, ns 1,10,50, hosts 2,4, vs 2x2,2x10, no what-if; writes results/quick.* only)
 *          --vs 2x2,2x25,8x2 ("none": skip)  --vs-runs R (3)  --no-compact-scale
 *          --only probe,floor,direct,engine,scale,versus   --no-write
 *          --render [results.json]: only re-render the reports from saved results
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import type { Lab } from "../../provider/lab";
import { pool, SshPool } from "../../provider/ssh/pool";
import { benchLabDown, benchLabUp, BENCH_LAB, rootConnection, SshdCounter, type SshCount } from "./lab";
import { plan, resourcesPerHost, LEFTOVERS_SCRIPT } from "./topology";
import { floorRun, type FloorResult } from "./floor";
import { directRun, type DirectResult } from "./direct";
import { BenchStack, engineBinDir, REPO_ROOT, tail, type CliRun } from "./engine";
import { probe, type ProbeResult } from "./probe";
import { renderMarkdown, renderSvg, updateBenchmarksMd } from "./report";
import { parseSizes, resourcesOf, runVersus, SIDE_CONFIG, type Versus, type VersusCycle } from "./versus";
import { findUpstream } from "./upstream";
import { loadCost, type LoadCost } from "./loadcost";

export interface Options {
  runs: number;
  scaleRuns: number;
  /** Runs of scale points with more than BIG resources (each takes minutes). */
  bigRuns: number;
  /** Also run the largest namespace point with PULUMI_SKIP_CHECKPOINTS=true. */
  whatIf: boolean;
  ns: number[];
  hosts: number[];
  quick: boolean;
  only: Set<string>;
  write: boolean;
  /** Sizes (hosts, namespaces) of the remote.Command comparison, and its runs. */
  vs: Array<[number, number]>;
  vsRuns: number;
  /** Also run the namespace scale with NodeNetwork's default compact form (besides `compact: false`). */
  compactScale: boolean;
  /** Run every node with NODE_DISABLE_COMPILE_CACHE=1 (to measure what the compile cache saves). */
  noCompileCache: boolean;
}

/** A pulumi command, without its (large) output. */
export interface Cmd {
  ms: number;
  code: number;
  ssh?: SshCount;
  mem: CliRun["mem"];
  profile?: CliRun["profile"];
  summary?: string;
}

export interface EngineCycle {
  resources: number;
  up: Cmd;
  preview?: Cmd;
  refresh?: Cmd;
  destroy: Cmd;
}

export interface Counted<T> {
  r: T;
  ssh: SshCount;
}

export interface ScalePoint {
  hosts: number;
  namespaces: number;
  /** NodeNetwork's default compact form instead of the expanded resources (`compact: false`). */
  compact?: boolean;
  resources: number;
  floor: Array<Counted<FloorResult>>;
  engine: EngineCycle[];
}

export interface Results {
  mode: "full" | "quick" | "partial";
  startedAt: string;
  durationS: number;
  command: string;
  options: Omit<Options, "only"> & { only: string[] };
  machine: Record<string, string | number>;
  sshLogsSessions: boolean;
  probe?: ProbeResult;
  floor: Array<Counted<FloorResult>>;
  direct: Array<Counted<DirectResult>>;
  engine: EngineCycle[];
  empty: EngineCycle[];
  scaleNs: ScalePoint[];
  /** The namespace scale with NodeNetwork's default compact form (scaleNs: `compact: false`). */
  scaleNsCompact?: ScalePoint[];
  scaleHosts: ScalePoint[];
  versus?: Versus;
  loadCost?: LoadCost;
  /** The largest namespace point again with the engine's per-step checkpoints off. */
  whatIf?: ScalePoint & { env: Record<string, string> };
  leftovers: string[];
  errors: string[];
}

const PHASES = ["probe", "floor", "direct", "engine", "scale", "versus"];
/** Scale points above this many resources run `bigRuns` times (the 200-namespace point takes ~4 minutes a cycle). */
const BIG = 300;

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 3, scaleRuns: 2, bigRuns: 1, whatIf: true, ns: [1, 10, 50, 200], hosts: [2, 4, 8], quick: false, only: new Set(PHASES), write: true, vs: [[2, 2], [2, 25], [8, 2]], vsRuns: 3, compactScale: true, noCompileCache: false };
  const list = (s: string | undefined, what: string) => {
    if (s === "none") return [];
    const xs = (s ?? "").split(",").filter(Boolean).map(Number);
    if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 1)) throw new Error(`${what}: expected a list of positive integers, e.g. 1,10,50`);
    return xs;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case "--runs": o.runs = list(next(), "--runs")[0] ?? 1; break;
      case "--scale-runs": o.scaleRuns = list(next(), "--scale-runs")[0] ?? 1; break;
      case "--big-runs": o.bigRuns = list(next(), "--big-runs")[0] ?? 1; break;
      case "--no-what-if": o.whatIf = false; break;
      case "--vs": { const v = next(); o.vs = v === "none" ? [] : parseSizes(v ?? ""); break; }
      case "--vs-runs": o.vsRuns = list(next(), "--vs-runs")[0] ?? 1; break;
      case "--no-compact-scale": o.compactScale = false; break;
      case "--no-compile-cache": o.noCompileCache = true; break;
      case "--ns": o.ns = list(next(), "--ns"); break;
      case "--hosts": o.hosts = list(next(), "--hosts"); break;
      case "--quick": o.quick = true; o.runs = 1; o.scaleRuns = 1; o.bigRuns = 1; o.whatIf = false; o.ns = [1, 10, 50]; o.hosts = [2, 4]; o.vs = [[2, 2], [2, 10]]; o.vsRuns = 1; break;
      case "--only": {
        const xs = (next() ?? "").split(",").filter(Boolean);
        const bad = xs.filter((x) => !PHASES.includes(x));
        if (bad.length || xs.length === 0) throw new Error(`--only: expected some of ${PHASES.join(",")}`);
        o.only = new Set(xs);
        break;
      }
      case "--no-write": o.write = false; break;
      case "-h": case "--help":
        console.log("usage: npm run bench -- [--runs 3] [--scale-runs 2] [--big-runs 1] [--ns 1,10,50,200] [--hosts 2,4,8] [--no-what-if] [--no-compact-scale] [--vs 2x2,2x25,8x2] [--vs-runs 3] [--no-compile-cache] [--quick] [--only probe,floor,direct,engine,scale,versus] [--no-write]");
        process.exit(0);
      default: throw new Error(`unknown option ${a} (try --help)`);
    }
  }
  if (o.hosts.some((h) => h < 2 || h > 16)) throw new Error("--hosts: 2..16");
  if (o.ns.some((n) => n > 250) || o.vs.some(([, n]) => n > 250)) throw new Error("--ns/--vs: at most 250 namespaces on a host (one /24)");
  if (o.vs.some(([h]) => h < 1 || h > 16)) throw new Error("--vs: 1..16 hosts");
  return o;
}

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function lite(r: CliRun): Cmd {
  const m = /\nResources:\n([\s\S]*?)\n\n/.exec(r.stdout);
  return { ms: r.ms, code: r.code, ssh: r.ssh, mem: r.mem, profile: r.profile, summary: m?.[1].replace(/\s+/g, " ").trim() };
}

function machine(): Record<string, string | number> {
  const cpu = os.cpus();
  let pulumi = "?";
  try {
    pulumi = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
  } catch {
    /* reported as ? */
  }
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? "?",
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    pulumi,
    loadavgAtStart: os.loadavg().map((x) => x.toFixed(2)).join(" "),
  };
}

/** `--render FILE.json`: rewrite the Markdown, the chart and BENCHMARKS.md from saved results, without measuring. */
function render(file: string): void {
  const res = JSON.parse(fs.readFileSync(file, "utf8")) as Results;
  const md = renderMarkdown(res);
  const out = file.replace(/\.json$/, ".md");
  fs.writeFileSync(out, md);
  if (res.mode === "full") {
    fs.writeFileSync(path.join(REPO_ROOT, "test", "bench", "scale.svg"), renderSvg(res));
    updateBenchmarksMd(path.join(REPO_ROOT, "BENCHMARKS.md"), md);
  }
  log(`rendered ${path.relative(REPO_ROOT, out)}${res.mode === "full" ? ", test/bench/scale.svg and BENCHMARKS.md" : ""} from ${path.relative(REPO_ROOT, file)}`);
}

async function main(): Promise<void> {
  if (process.argv[2] === "--render") return render(path.resolve(process.argv[3] ?? path.join(REPO_ROOT, "test", "bench", "results", "latest.json")));
  const opts = parseArgs(process.argv.slice(2));
  if (opts.noCompileCache) {
    process.env.NODE_DISABLE_COMPILE_CACHE = "1"; // inherited by every pulumi command and the nodes it starts
    delete process.env.NODE_COMPILE_CACHE;
  }
  const started = Date.now();
  const partial = PHASES.some((p) => !opts.only.has(p));
  const res: Results = {
    mode: opts.quick ? "quick" : partial ? "partial" : "full",
    startedAt: new Date(started).toISOString(),
    durationS: 0,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    options: { ...opts, only: [...opts.only] },
    machine: machine(),
    sshLogsSessions: false,
    floor: [],
    direct: [],
    engine: [],
    empty: [],
    scaleNs: [],
    scaleHosts: [],
    leftovers: [],
    errors: [],
  };
  const vmsNeeded = Math.max(2, ...(opts.only.has("scale") ? opts.hosts : []), ...(opts.only.has("versus") ? opts.vs.map(([h]) => h) : []));
  log(`lab ${BENCH_LAB.name} (index ${BENCH_LAB.index}) with ${vmsNeeded} VMs`);
  let lab: Lab | undefined;
  let stack: BenchStack | undefined;
  let cmdStack: BenchStack | undefined;
  let interrupted = false;
  const onSignal = (sig: string) => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: cleaning up (stack, lab) before exiting`);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  const check = () => {
    if (interrupted) throw new Error("interrupted");
  };

  try {
    lab = await benchLabUp(vmsNeeded);
    const counter = new SshdCounter(lab);
    res.sshLogsSessions = counter.logsSessions();
    if (!res.sshLogsSessions) log("WARNING: the lab sshd does not log sessions (LogLevel below VERBOSE): round trips read as 0");
    const two = plan(lab.vms, 2, 2);
    const twoResources = two.reduce((a, p) => a + resourcesPerHost(p), 0);
    const needEngine = opts.only.has("engine") || opts.only.has("scale") || opts.only.has("versus");
    const upstream = needEngine ? findUpstream(engineBinDir()) : undefined;
    if (upstream) {
      log(`language host for every engine run: ${upstream.languageHostLabel}`);
      log(upstream.commandPlugin ? `command plugin: ${upstream.commandPlugin} (${upstream.commandPluginFrom})` : "command plugin: not found");
    }
    if (needEngine) stack = await BenchStack.create(engineBinDir(), "bench", "netns", upstream);
    if (opts.only.has("versus") && upstream?.commandPlugin) cmdStack = await BenchStack.create(engineBinDir(), "bench", "command", upstream);

    if (opts.only.has("probe")) {
      log("probe: handshake and round-trip latencies");
      res.probe = await probe(lab.vms[0], two[0], opts.quick ? 2 : 5);
      log("probe: what the program and dynamic-provider processes load");
      res.loadCost = loadCost(opts.quick ? 2 : 5);
    }

    for (let run = 1; run <= opts.runs; run++) {
      check();
      if (opts.only.has("floor")) {
        const m = counter.mark();
        const r = await floorRun(two);
        res.floor.push({ r, ssh: counter.since(m) });
        log(`run ${run}/${opts.runs} floor: up ${secs(r.up.ms)}, down ${secs(r.down.ms)}`);
      }
      check();
      if (opts.only.has("direct")) {
        const m = counter.mark();
        const r = await directRun([lab.vms[0], lab.vms[1]]);
        res.direct.push({ r, ssh: counter.since(m) });
        log(`run ${run}/${opts.runs} providers direct: up ${secs(r.up.ms)} (${r.up.execs} execs), down ${secs(r.down.ms)}`);
      }
      check();
      if (opts.only.has("engine") && stack) {
        res.engine.push(await engineCycle(stack, counter, 2, 2, twoResources, true));
        const c = res.engine[res.engine.length - 1];
        log(`run ${run}/${opts.runs} engine: up ${secs(c.up.ms)}, preview ${secs(c.preview?.ms ?? NaN)}, refresh ${secs(c.refresh?.ms ?? NaN)}, destroy ${secs(c.destroy.ms)}`);
        res.empty.push(await engineCycle(stack, counter, 0, 0, 0, false));
        log(`run ${run}/${opts.runs} engine, empty program: up ${secs(res.empty[res.empty.length - 1].up.ms)}`);
      }
    }

    if (opts.only.has("scale") && stack) {
      if (opts.compactScale) res.scaleNsCompact = [];
      const points: Array<[ScalePoint[], number, number, boolean]> = [
        ...opts.ns.map((n) => [res.scaleNs, 1, n, false] as [ScalePoint[], number, number, boolean]),
        ...(res.scaleNsCompact ? opts.ns.map((n) => [res.scaleNsCompact!, 1, n, true] as [ScalePoint[], number, number, boolean]) : []),
        ...opts.hosts.map((h) => [res.scaleHosts, h, 2, false] as [ScalePoint[], number, number, boolean]),
      ];
      for (const [into, h, n, compact] of points) {
        const p = plan(lab.vms, h, n);
        const resources = compact ? resourcesOf("compact", h, n) : p.reduce((a, x) => a + resourcesPerHost(x), 0);
        const sp: ScalePoint = { hosts: h, namespaces: n, resources, floor: [], engine: [], compact };
        into.push(sp);
        const runs = sp.resources > BIG ? opts.bigRuns : opts.scaleRuns;
        for (let run = 1; run <= runs; run++) {
          check();
          const m = counter.mark();
          sp.floor.push({ r: await floorRun(p), ssh: counter.since(m) });
          check();
          sp.engine.push(await engineCycle(stack, counter, h, n, sp.resources, false, {}, compact ? SIDE_CONFIG.compact : SIDE_CONFIG.expanded));
          const c = sp.engine[sp.engine.length - 1];
          log(`scale ${h} host(s) × ${n} ns${compact ? " compact" : ""} (${sp.resources} resources) run ${run}/${runs}: up ${secs(c.up.ms)}, destroy ${secs(c.destroy.ms)}, floor ${secs(sp.floor[sp.floor.length - 1].r.up.ms)}`);
        }
      }
      const biggest = res.scaleNs[res.scaleNs.length - 1];
      if (opts.whatIf && biggest) {
        check();
        const env = { PULUMI_SKIP_CHECKPOINTS: "true" };
        const c = await engineCycle(stack, counter, biggest.hosts, biggest.namespaces, biggest.resources, false, env);
        res.whatIf = { ...biggest, floor: biggest.floor, engine: [c], env };
        log(`what-if ${biggest.namespaces} ns with PULUMI_SKIP_CHECKPOINTS=true: up ${secs(c.up.ms)}, destroy ${secs(c.destroy.ms)}`);
      }
    }

    if (opts.only.has("versus") && stack && upstream && opts.vs.length) {
      const cycle = async (st: BenchStack, h: number, n: number, extra: Record<string, string | number>) => {
        const c = await engineCycle(st, counter, h, n, 0, false, {}, extra, true);
        return { up: c.up, destroy: c.destroy, state: c.state };
      };
      res.versus = await runVersus(upstream, opts.vs, opts.vsRuns, { netns: stack, command: cmdStack }, cycle, log, check);
    }
  } catch (e) {
    res.errors.push(String((e as Error).stack ?? e));
    log(`FAILED: ${(e as Error).message}`);
  } finally {
    for (const st of [stack, cmdStack]) {
      if (!st) continue;
      const problems = await st.remove().catch((e: Error) => [e.message]);
      res.errors.push(...problems.map((p) => `stack cleanup (${st.program}): ${p}`));
    }
    if (lab) {
      res.leftovers = await leftovers(lab).catch((e: Error) => [`could not check: ${e.message}`]);
      if (res.leftovers.length) log(`LEFTOVERS on the lab VMs (removed with the lab):\n${res.leftovers.join("\n")}`);
    }
    await pool.closeAll();
    await benchLabDown().catch((e: Error) => res.errors.push(`lab down: ${e.message}`));
    log(`lab ${BENCH_LAB.name} removed`);
  }

  res.durationS = (Date.now() - started) / 1000;
  const outDir = path.join(REPO_ROOT, "test", "bench", "results");
  const name = res.mode === "full" ? "latest" : res.mode;
  if (opts.write) {
    // The measurements first: a report that fails to render can be redone with --render.
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(res, null, 1) + "\n");
  }
  const md = renderMarkdown(res);
  if (opts.write) {
    fs.writeFileSync(path.join(outDir, `${name}.md`), md);
    log(`wrote test/bench/results/${name}.json and .md`);
    if (res.mode === "full" && res.errors.length === 0) {
      fs.writeFileSync(path.join(REPO_ROOT, "test", "bench", "scale.svg"), renderSvg(res));
      updateBenchmarksMd(path.join(REPO_ROOT, "BENCHMARKS.md"), md);
      log("wrote test/bench/scale.svg and the generated section of BENCHMARKS.md");
    }
  }
  console.log(md);
  log(`done in ${res.durationS.toFixed(0)} s`);
  if (res.errors.length) {
    console.error(res.errors.join("\n"));
    process.exitCode = 1;
  }
  if (interrupted) process.exitCode = 130;
}

/**
 * up (+ preview, refresh) + destroy of a bench stack at H hosts × N namespaces; destroy runs even
 * when up failed. `extra` is more stack config: by default `compact: false`, the expanded resources
 * that the floor (topology.ts) replays command by command; `withState` reads the checkpoint after up.
 */
async function engineCycle(
  stack: BenchStack, counter: SshdCounter, hosts: number, namespaces: number, resources: number, full: boolean,
  env: Record<string, string> = {}, extra: Record<string, string | number> = SIDE_CONFIG.expanded, withState = false,
): Promise<EngineCycle & { state?: VersusCycle["state"] }> {
  stack.configure({ lab: BENCH_LAB.name, labIndex: BENCH_LAB.index, hosts, namespaces, ...extra });
  const up = await stack.run(["up", "--yes", "--skip-preview"], counter, undefined, env);
  const state = up.code === 0 && withState ? stack.stateBytes() : undefined;
  let preview: CliRun | undefined;
  let refresh: CliRun | undefined;
  if (up.code === 0 && full) {
    preview = await stack.run(["preview", "--expect-no-changes"], counter);
    refresh = await stack.run(["refresh", "--yes", "--skip-preview"], counter);
  }
  const destroy = await stack.run(["destroy", "--yes"], counter, undefined, env);
  for (const [what, r] of [["up", up], ["preview --expect-no-changes", preview], ["refresh", refresh], ["destroy", destroy]] as const) {
    if (r && r.code !== 0) throw new Error(`pulumi ${what} (H=${hosts}, N=${namespaces}) exit ${r.code}:\n${tail(r.stdout + "\n" + r.stderr)}`);
  }
  return { resources, up: lite(up), preview: preview && lite(preview), refresh: refresh && lite(refresh), destroy: lite(destroy), state };
}

/** Anything of ours left on any lab VM after all teardowns (should be nothing). */
async function leftovers(lab: Lab): Promise<string[]> {
  const p = new SshPool();
  try {
    const outs = await Promise.all(lab.vms.map(async (vm) => ({ vm, out: (await p.run(rootConnection(vm), LEFTOVERS_SCRIPT)).trim() })));
    return outs.filter((o) => o.out).map((o) => `vm${o.vm.vm}: ${o.out.replace(/\n/g, " | ")}`);
  } finally {
    await p.closeAll();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
