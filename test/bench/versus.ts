/**
 * Phase "versus": the same networks built by our NodeNetwork (as written, the default compact form,
 * and `compact: false`)
 * and by @pulumi/command's remote.Command (test/bench/cmdstack), in the same run, on the same
 * lab, with the same language host, interleaved run by run (the order rotates) so that load
 * from other work hits every side alike. Each cycle is `pulumi up --skip-preview`, a read of
 * the checkpoint the engine wrote (state per resource), then `pulumi destroy`.
 */
import type { BenchStack } from "./engine";
import type { SshdCounter } from "./lab";
import type { Cmd } from "./run";
import { fmtMs, summarize } from "./stats";
import { COMMAND_VERSION, SKIP_LINE, type Upstream } from "./upstream";

/** "compact": NodeNetwork as a user writes it (its default); "expanded": `compact: false`. */
export type Side = "compact" | "expanded" | "command";
export const SIDES: Side[] = ["compact", "expanded", "command"];
export const SIDE_LABEL: Record<Side, string> = {
  compact: "pulumi-netns `NodeNetwork` (compact, the default)",
  expanded: "pulumi-netns `NodeNetwork({ compact: false })`",
  command: `\`remote.Command\` (@pulumi/command ${COMMAND_VERSION})`,
};

export interface VersusCycle {
  side: Side;
  run: number;
  resources: number;
  up: Cmd;
  destroy: Cmd;
  state?: { fileBytes: number; resources: number; perResource: number };
}

export interface VersusPoint {
  hosts: number;
  namespaces: number;
  cycles: VersusCycle[];
}

export interface Versus {
  commandPlugin?: string;
  commandPluginFrom?: string;
  languageHost: string;
  skipped?: string;
  nodeCompileCache?: string;
  points: VersusPoint[];
}

export type CycleFn = (stack: BenchStack, hosts: number, namespaces: number, extra: Record<string, string | number>) => Promise<{ up: Cmd; destroy: Cmd; state?: VersusCycle["state"] }>;

/** `HxN` → [H, N]. */
export function parseSizes(s: string): Array<[number, number]> {
  return s.split(",").filter(Boolean).map((x) => {
    const m = /^(\d+)x(\d+)$/.exec(x);
    if (!m) throw new Error(`--vs: expected sizes like 2x2,2x25,8x2, got ${x}`);
    return [Number(m[1]), Number(m[2])];
  });
}

/** Per host: bridge, 1 (expanded and remote.Command: 3) per namespace, H-1 peer routes, NAT, 2 FORWARD rules, ip_forward. */
export const resourcesOf = (side: Side, h: number, n: number) => h * (1 + (side === "compact" ? 1 : 3) * n + (h - 1) + 4);

/** The bench stack's config per side: the compact side sets nothing, as a user writes it. */
export const SIDE_CONFIG: Record<Side, Record<string, string>> = { compact: {}, expanded: { compact: "false" }, command: {} };

export async function runVersus(
  u: Upstream, sizes: Array<[number, number]>, runs: number, stacks: { netns: BenchStack; command?: BenchStack },
  cycle: CycleFn, log: (m: string) => void, check: () => void,
): Promise<Versus> {
  const v: Versus = { commandPlugin: u.commandPlugin, commandPluginFrom: u.commandPluginFrom, languageHost: u.languageHostLabel, nodeCompileCache: process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : process.env.NODE_COMPILE_CACHE ?? "the launcher's default", points: [] };
  if (!u.commandPlugin || !stacks.command) {
    v.skipped = SKIP_LINE;
    log(SKIP_LINE);
  }
  const sides = SIDES.filter((s) => s !== "command" || stacks.command);
  for (const [h, n] of sizes) {
    const pt: VersusPoint = { hosts: h, namespaces: n, cycles: [] };
    v.points.push(pt);
    for (let run = 1; run <= runs; run++) {
      // Rotate the order each run: no side always goes first (cold caches) or last.
      const order = sides.map((_, i) => sides[(i + run - 1) % sides.length]);
      for (const side of order) {
        check();
        const stack = side === "command" ? stacks.command! : stacks.netns;
        const c = await cycle(stack, h, n, SIDE_CONFIG[side]);
        pt.cycles.push({ side, run, resources: resourcesOf(side, h, n), ...c });
        const lh = c.up.mem.langhosts?.join(", ") || "?";
        log(`versus ${h}x${n} run ${run}/${runs} ${side}: up ${fmtMs(c.up.ms)} (${c.up.ssh?.handshakes ?? "?"} SSH connections), destroy ${fmtMs(c.destroy.ms)}, state ${Math.round(c.state?.perResource ?? NaN)} B/resource; language host ${lh}`);
      }
    }
  }
  return v;
}

const S = (xs: number[]) => {
  const s = summarize(xs);
  return s.n === 0 ? "–" : s.n === 1 ? fmtMs(s.median) : `${fmtMs(s.median)} (${fmtMs(s.min)}–${fmtMs(s.max)})`;
};

/** Ratio of a side to remote.Command: of the medians, and the per-run paired ratios' range. */
function ratio(pt: VersusPoint, side: Side, f: (c: VersusCycle) => number): { med: number; text: string } {
  const of = (s: Side) => pt.cycles.filter((c) => c.side === s);
  const a = of(side);
  const b = of("command");
  const med = summarize(a.map(f)).median / summarize(b.map(f)).median;
  const paired = summarize(a.flatMap((c) => {
    const o = b.find((x) => x.run === c.run);
    return o ? [f(c) / f(o)] : [];
  }));
  return { med, text: `**${fmtRatio2(med)}**${paired.n > 1 ? ` (runs ${fmtRatio2(paired.min)}–${fmtRatio2(paired.max)})` : ""}` };
}
const fmtRatio2 = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "–");
const kb = (b: number) => (Number.isFinite(b) ? `${(b / 1024).toFixed(1)} KB` : "–");

export function renderVersus(v: Versus | undefined, p: (s?: string) => void): void {
  if (!v) return;
  p();
  p("### Against `remote.Command` (same networks, same run, same lab)");
  p();
  p(`Language host for both sides: ${v.languageHost}. Command plugin: ${v.commandPlugin ? `\`${v.commandPlugin}\` (${v.commandPluginFrom})` : "none"}. NODE_COMPILE_CACHE: ${v.nodeCompileCache ? "on" : "off"}.`);
  if (v.skipped) {
    p();
    p(`**${v.skipped}**`);
  }
  if (!v.points.length) return;
  p();
  p("| network | side | resources | `pulumi up` | up vs `remote.Command` | `pulumi destroy` | destroy vs `remote.Command` | SSH connections by `up` | state per resource | checkpoint file |");
  p("|---|---|---|---|---|---|---|---|---|---|");
  for (const pt of v.points) {
    for (const side of SIDES) {
      const cs = pt.cycles.filter((c) => c.side === side);
      if (!cs.length) continue;
      const hasCmd = side !== "command" && pt.cycles.some((c) => c.side === "command");
      const conn = summarize(cs.map((c) => c.up.ssh?.handshakes ?? NaN));
      p(`| ${pt.hosts} hosts × ${pt.namespaces} ns | ${SIDE_LABEL[side]} | ${cs[0].resources} | ${S(cs.map((c) => c.up.ms))} | ${hasCmd ? ratio(pt, side, (c) => c.up.ms).text : side === "command" ? "1×" : "–"} | ${S(cs.map((c) => c.destroy.ms))} | ${hasCmd ? ratio(pt, side, (c) => c.destroy.ms).text : side === "command" ? "1×" : "–"} | ${conn.min === conn.max ? conn.median : `${conn.min}–${conn.max}`} | ${kb(summarize(cs.map((c) => c.state?.perResource ?? NaN)).median)} | ${kb(summarize(cs.map((c) => c.state?.fileBytes ?? NaN)).median)} |`);
    }
  }
  breakdown(v.points.find((x) => x.hosts === 2 && x.namespaces === 2) ?? v.points[0], p);
  p();
  p("Ratios: median of our side over median of `remote.Command` at the same size in this run (in brackets: the range of the per-run ratios, each run's cycles back to back). State per resource: mean JSON size of the network's resources in the checkpoint the engine wrote after `up` (secrets as ciphertext, as stored).");
}

/**
 * Where the time of one size's `up` and `destroy` goes, per side: from the profiling hook
 * (program and dynamic-provider processes, hook.ts) and the first /proc sample that saw each
 * process (100 ms resolution; the only clock on the Go command plugin). Medians over runs.
 */
function breakdown(pt: VersusPoint | undefined, p: (s?: string) => void): void {
  if (!pt) return;
  const m = (side: Side, f: (c: VersusCycle) => number | undefined) => {
    const xs = pt.cycles.filter((c) => c.side === side).map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return xs.length ? fmtMs(summarize(xs).median) : "–";
  };
  const sides = SIDES.filter((s) => pt.cycles.some((c) => c.side === s));
  p();
  p(`Where the time goes at ${pt.hosts} hosts × ${pt.namespaces} namespaces (ms after the \`pulumi\` CLI started; medians):`);
  p();
  p(`| moment | ${sides.map((s) => SIDE_LABEL[s]).join(" | ")} |`);
  p(`|---|${sides.map(() => "---|").join("")}`);
  const row = (label: string, f: (c: VersusCycle) => number | undefined) => p(`| ${label} | ${sides.map((s) => m(s, f)).join(" | ")} |`);
  row("`up`: language host seen", (c) => c.up.mem.firstSeenMs?.langhost);
  row("`up`: program's node process started", (c) => c.up.profile?.programStartMs);
  row("`up`: first resource registered", (c) => c.up.profile?.firstRegisterMs);
  row("`up`: last resource registered", (c) => c.up.profile?.lastRegisterMs);
  row("`up`: resource provider process seen", (c) => c.up.mem.firstSeenMs?.provider);
  row("`up`: dynamic-provider process ready (modules loaded, port announced; ours only)", (c) => c.up.profile?.lastReadyMs);
  row("`up`: first SSH command (hook; ours only)", (c) => c.up.profile?.firstExecMs);
  row("`up`: last SSH command done (hook; ours only)", (c) => c.up.profile?.lastExecEndMs);
  row("`up`: CLI exit", (c) => c.up.ms);
  cpuRow(pt, sides, p, "up");
  row("`destroy`: resource provider process seen", (c) => c.destroy.mem.firstSeenMs?.provider);
  row("`destroy`: the dynamic-provider process that works ready (ours only)", (c) => c.destroy.profile?.lastReadyMs);
  row("`destroy`: first SSH command (hook; ours only)", (c) => c.destroy.profile?.firstExecMs);
  row("`destroy`: CLI exit", (c) => c.destroy.ms);
  cpuRow(pt, sides, p, "destroy");
  const starts = (s: Side, what: "up" | "destroy") => {
    const cs = pt.cycles.filter((c) => c.side === s && c[what].profile);
    if (!cs.length) return "–";
    const n = summarize(cs.map((c) => c[what].profile!.providerProcesses)).median;
    return `${n} × ${fmtMs(summarize(cs.map((c) => c[what].profile!.providerBootMs)).median)}`;
  };
  p(`| dynamic-provider processes the engine started in \`up\` / \`destroy\` × start-to-ready each (ours only) | ${sides.map((s) => `${starts(s, "up")} / ${starts(s, "destroy")}`).join(" | ")} |`);
}

function cpuRow(pt: VersusPoint, sides: Side[], p: (s?: string) => void, what: "up" | "destroy"): void {
  const cell = (s: Side) => {
    const cs = pt.cycles.filter((c) => c.side === s);
    const med = (f: (c: VersusCycle) => number) => summarize(cs.map(f)).median;
    return `${fmtMs(med((c) => c[what].mem.cpuS.cli * 1000))} / ${what === "up" ? fmtMs(med((c) => c.up.mem.cpuS.program * 1000)) : "–"} / ${fmtMs(med((c) => c[what].mem.cpuS.provider * 1000))}`;
  };
  p(`| \`${what}\`: CPU of the engine CLI / program / resource provider | ${sides.map(cell).join(" | ")} |`);
}

/** Verdicts for issue 14's targets against remote.Command. */
export function versusTargets(v: Versus | undefined): Array<{ target: string; verdict: string; figure: string }> {
  const out: Array<{ target: string; verdict: string; figure: string }> = [];
  if (!v) return out;
  if (v.skipped) {
    out.push({ target: "Against `remote.Command`", verdict: "not measured", figure: v.skipped });
    return out;
  }
  const pt = (h: number, n: number) => v.points.find((x) => x.hosts === h && x.namespaces === n && x.cycles.some((c) => c.side === "command"));
  const tut = pt(2, 2);
  if (tut) {
    const u = ratio(tut, "compact", (c) => c.up.ms);
    const d = ratio(tut, "compact", (c) => c.destroy.ms);
    out.push({ target: "Tutorial network: `pulumi up` and `destroy` at most 1.0× `remote.Command`", verdict: u.med <= 1 && d.med <= 1 ? "**met**" : "**not met**", figure: `up ${u.text}, destroy ${d.text}` });
  }
  const big = pt(2, 25);
  if (big) {
    const c = ratio(big, "compact", (x) => x.up.ms);
    const e = ratio(big, "expanded", (x) => x.up.ms);
    out.push({ target: "2 hosts × 25 namespaces with `NodeNetwork`: `up` at most 0.7× `remote.Command`", verdict: c.med <= 0.7 ? "**met** (the default, compact)" : e.med <= 0.7 ? "**met with `compact: false`** only" : "**not met**", figure: `default (compact) ${c.text}, \`compact: false\` ${e.text}` });
  }
  const per = (side: Side) => summarize(v.points.flatMap((p) => p.cycles.filter((c) => c.side === side && c.state).map((c) => c.state!.perResource))).median;
  const ours = per("compact");
  const theirs = per("command");
  if (Number.isFinite(ours) && Number.isFinite(theirs)) {
    out.push({ target: "State per resource no larger than `remote.Command`'s", verdict: ours <= theirs ? "**met**" : "**not met**", figure: `${kb(ours)} (ours, the default compact; \`compact: false\` ${kb(per("expanded"))}) vs ${kb(theirs)} (\`remote.Command\`), medians over all sizes` });
  }
  return out;
}
