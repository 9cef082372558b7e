import test from "ava";
import type { BenchStack } from "../bench/engine";
import type { Cmd } from "../bench/run";
import { parseSizes, renderVersus, resourcesOf, runVersus, versusTargets, type CycleFn } from "../bench/versus";
import { SKIP_LINE } from "../bench/upstream";

/** The bench's remote.Command phase: its bookkeeping and report, without an engine (the bench run itself measures). */

const cmd = (ms: number, handshakes: number): Cmd => ({
  ms, code: 0, ssh: { handshakes, sessions: 0, perVm: [] },
  mem: { providerHwmKb: 0, programHwmKb: 0, providerPids: [], cpuS: { cli: 0, langhost: 0, program: 0, provider: 0 } },
});
const stack = (name: string) => ({ program: name }) as unknown as BenchStack;

test("sizes parse as HxN and bad ones name the option", (t) => {
  t.deepEqual(parseSizes("2x2,2x25,8x2"), [[2, 2], [2, 25], [8, 2]]);
  t.throws(() => parseSizes("2x"), { message: /--vs: expected sizes like 2x2/ });
});

test("resource counts match the bench programs: 24 for the tutorial, 162 at 2x25, 144 at 8x2; the default compact form a third per namespace", (t) => {
  t.is(resourcesOf("expanded", 2, 2), 24);
  t.is(resourcesOf("command", 2, 25), 162);
  t.is(resourcesOf("command", 8, 2), 144);
  t.is(resourcesOf("expanded", 2, 25), 162);
  t.is(resourcesOf("compact", 2, 2), 16);
  t.is(resourcesOf("compact", 2, 25), 62);
});

test("without a command plugin the phase says so in one visible line, in the log and the report, and measures our side alone", async (t) => {
  const logs: string[] = [];
  const sides: string[] = [];
  const cycle: CycleFn = async (st, _h, _n, extra) => {
    sides.push(`${st.program}${extra.compact !== undefined ? `+compact=${extra.compact}` : ""}`);
    return { up: cmd(1000, 2), destroy: cmd(500, 2) };
  };
  const v = await runVersus({ languageHostLabel: "ours" }, [[2, 2]], 1, { netns: stack("netns") }, cycle, (m) => logs.push(m), () => undefined);
  t.is(v.skipped, SKIP_LINE);
  t.is(logs.filter((l) => l === SKIP_LINE).length, 1);
  t.deepEqual(sides, ["netns", "netns+compact=false"], "the default side sets no compact (as a user writes it), the other compact: false");
  const out: string[] = [];
  renderVersus(v, (s = "") => out.push(s));
  t.true(out.includes(`**${SKIP_LINE}**`));
  t.deepEqual(versusTargets(v).map((x) => x.verdict), ["not measured"]);
});

test("ratios are of medians at the same size, and the order of the sides rotates run by run", async (t) => {
  const order: string[] = [];
  const ms: Record<string, number[]> = { compact: [900, 1100, 1000], command: [1000, 1000, 2000] };
  const seen: Record<string, number> = {};
  const cycle: CycleFn = async (st, _h, _n, extra) => {
    const side = st.program === "command" ? "command" : extra.compact === "false" ? "expanded" : "compact";
    order.push(side);
    const i = (seen[side] = (seen[side] ?? -1) + 1);
    const up = side === "expanded" ? 500 : ms[side][i];
    return { up: cmd(up, side === "command" ? 24 : 2), destroy: cmd(up, 0), state: { fileBytes: 1, resources: 1, perResource: side === "command" ? 3500 : 3800 } };
  };
  const v = await runVersus({ languageHostLabel: "std", commandPlugin: "/x" }, [[2, 2]], 3, { netns: stack("netns"), command: stack("command") }, cycle, () => undefined, () => undefined);
  t.deepEqual(order.slice(0, 3), ["compact", "expanded", "command"]);
  t.deepEqual(order.slice(3, 6), ["expanded", "command", "compact"]);
  const tut = versusTargets(v).find((x) => x.target.startsWith("Tutorial"));
  t.regex(tut?.figure ?? "", /up \*\*1\.00×\*\*/); // the default side: median 1000 / median 1000
  t.is(tut?.verdict, "**met**");
  t.is(versusTargets(v).find((x) => x.target.startsWith("State"))?.verdict, "**not met**");
  const out: string[] = [];
  renderVersus(v, (s = "") => out.push(s));
  const rows = out.filter((l) => l.startsWith("| 2 hosts × 2 ns")).map((l) => l.split(" | ")[1]);
  t.deepEqual(rows, ["pulumi-netns `NodeNetwork` (compact, the default)", "pulumi-netns `NodeNetwork({ compact: false })`", "`remote.Command` (@pulumi/command 1.2.1)"], "the sides as the report names them");
});
