/**
 * What each node process of a `pulumi` command loads, and what that costs in CPU, measured in
 * fresh `node` processes (the way the engine starts them), with and without Node's compile cache:
 *   program side   @pulumi/pulumi (loaded by the language host's cmd/run before the program),
 *                  then `require("pulumi-netns")` (our SDK) or `require("@pulumi/command")`;
 *   provider side  what @pulumi/pulumi's cmd/dynamic-provider requires (upstream), then our core
 *                  (`pulumi-netns/provider`, as the `__provider` text loads it).
 * Also checks that `require("pulumi-netns")` loads none of zod, ssh2 or the core (the
 * zod-free address arithmetic, dist/provider/validate/ip.js, is the SDK's own).
 */
import { execFileSync } from "node:child_process";
import { REPO_ROOT } from "./engine";
import { summarize } from "./stats";

export interface LoadCost {
  /** Median CPU ms (user + system) over runs, by part and cache mode. */
  cpuMs: Record<"cache" | "nocache", Record<Part, number>>;
  /** Modules of ours/zod/ssh2 that `require("pulumi-netns")` loaded (should be none of zod, ssh2, dist/provider). */
  sdkLoads: string[];
  runs: number;
}

type Part = "nodeBoot" | "pulumi" | "sdk" | "command" | "dynamicProviderDeps" | "core";

const SCRIPT = `
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const r = require("module").createRequire(process.cwd() + "/");
const out = { nodeBoot: cpu() };
let t = cpu();
if (process.argv[1] === "program") {
  r("@pulumi/pulumi"); out.pulumi = cpu() - t; t = cpu();
  r("pulumi-netns"); out.sdk = cpu() - t; t = cpu();
  out.sdkLoads = Object.keys(require.cache).filter((k) => /node_modules\\/(zod|ssh2)\\/|dist\\/provider\\/(?!validate\\/ip\\.js$)/.test(k)).map((k) => k.replace(process.cwd() + "/", ""));
  r("@pulumi/command"); out.command = cpu() - t;
} else {
  for (const m of ["source-map-support/register", "@grpc/grpc-js", "@pulumi/pulumi/runtime", "@pulumi/pulumi/proto/provider_grpc_pb", "require-from-string"]) r(m);
  out.dynamicProviderDeps = cpu() - t; t = cpu();
  r("pulumi-netns/provider"); out.core = cpu() - t;
}
process.stdout.write(JSON.stringify(out));
`;

export function loadCost(runs: number): LoadCost {
  const samples: Record<"cache" | "nocache", Array<Record<string, number>>> = { cache: [], nocache: [] };
  let sdkLoads: string[] = [];
  const env = (cache: boolean): NodeJS.ProcessEnv => {
    const e = { ...process.env };
    delete e.NODE_OPTIONS;
    if (cache) {
      delete e.NODE_DISABLE_COMPILE_CACHE;
      e.NODE_COMPILE_CACHE ??= `${process.env.HOME}/.cache/pulumi-netns/node-compile-cache`;
    } else e.NODE_DISABLE_COMPILE_CACHE = "1";
    return e;
  };
  // One warm-up with the cache fills it; then alternate, so that load from other work hits both modes alike.
  for (const side of ["program", "provider"]) execFileSync(process.execPath, ["-e", SCRIPT, side], { cwd: REPO_ROOT, env: env(true) });
  for (let i = 0; i < runs; i++) {
    for (const mode of ["cache", "nocache"] as const) {
      const row: Record<string, number> = {};
      for (const side of ["program", "provider"]) {
        const o = JSON.parse(execFileSync(process.execPath, ["-e", SCRIPT, side], { cwd: REPO_ROOT, env: env(mode === "cache"), encoding: "utf8" })) as Record<string, number | string[]>;
        if (Array.isArray(o.sdkLoads)) sdkLoads = o.sdkLoads;
        for (const [k, v] of Object.entries(o)) if (typeof v === "number") row[k] = k === "nodeBoot" ? Math.max(row[k] ?? 0, v) : v;
      }
      samples[mode].push(row);
    }
  }
  const med = (mode: "cache" | "nocache") => {
    const parts: Part[] = ["nodeBoot", "pulumi", "sdk", "command", "dynamicProviderDeps", "core"];
    return Object.fromEntries(parts.map((p) => [p, summarize(samples[mode].map((s) => s[p])).median])) as Record<Part, number>;
  };
  return { cpuMs: { cache: med("cache"), nocache: med("nocache") }, sdkLoads, runs };
}

export function renderLoadCost(l: LoadCost | undefined, p: (s?: string) => void): void {
  if (!l) return;
  const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "–");
  const row = (what: string, part: Part) => p(`| ${what} | ${ms(l.cpuMs.nocache[part])} | ${ms(l.cpuMs.cache[part])} |`);
  p();
  p(`### What each process loads (CPU time in a fresh \`node\`, median of ${l.runs})`);
  p();
  p("| part | no compile cache | with `NODE_COMPILE_CACHE` |");
  p("|---|---|---|");
  row("node start-up", "nodeBoot");
  row("program: `@pulumi/pulumi` (the language host's `cmd/run` loads it before any program) — upstream", "pulumi");
  row("program: `require(\"pulumi-netns\")` after that — ours", "sdk");
  row("program: `require(\"@pulumi/command\")` after that — the other side", "command");
  row("dynamic-provider process: what `@pulumi/pulumi/cmd/dynamic-provider` requires — upstream, every Node.js dynamic provider pays it", "dynamicProviderDeps");
  row("dynamic-provider process: our core (`pulumi-netns/provider`: zod, ssh2, validation, providers) — ours", "core");
  p();
  p(`\`require("pulumi-netns")\` loaded ${l.sdkLoads.length ? `**${l.sdkLoads.join(", ")}**` : "none of zod, ssh2 or the core (dist/provider)"}.`);
}
