import test from "ava";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { judge, differences, type Look } from "../../provider/takeover";
import { findRule } from "../../provider/iptables/find";
import { describeMark, markOf, OWNER_MARK } from "../../provider/marker";
import { expandedNames, predecessorsOf } from "../../provider/expanded";
import { equal } from "../../provider/resource";
import { netNamespaceProvider, bridgeProvider, routeProvider, natRuleProvider, iptablesRuleProvider } from "../../provider/resources";
import { parseRecord, recordPath, recordWrite, recordMarkIs } from "../../provider/state/record";
import { Script, sectionsOf, showScript, statusLine } from "../../provider/ssh/script";
import { rejects, accepts } from "./check-helpers";
import { conn, sh, tempDir } from "./support";

const MINE = markOf("proj/dev/Bridge/br");
const OTHER = markOf("proj/prod/Bridge/br");
const declared = { name: "br0", addresses: ["10.0.0.1/24"], up: true };
const liveLook = (mark: string | undefined, live: object = declared, extra: Partial<Look<object>["objects"][0]> = {}): Look<object> => ({
  objects: [{ what: "link br0", mark, kind: "bridge", wantKind: "bridge", ...extra }],
  live,
});
const cmp = (live: object) => differences(live, declared, equal, Object.keys(declared));

test("marks: the owner is named in the mark; no owner (previous release's state) is the global mark", (t) => {
  t.is(markOf("p/s/NetNamespace/a"), "pulumi-netns:p/s/NetNamespace/a");
  t.is(markOf(undefined), OWNER_MARK);
  t.is(describeMark(OTHER), "proj/prod/Bridge/br");
  t.regex(describeMark(OWNER_MARK), /earlier release/);
});

test("judge: nothing there creates; own and matching takes over; own and different is brought to spec", (t) => {
  t.is(judge({ objects: [{ what: "x", missing: true }] }, declared, MINE, false, cmp).act, "create");
  t.is(judge(liveLook(MINE), declared, MINE, false, cmp).act, "takeover");
  const v = judge(liveLook(MINE, { ...declared, up: false }), declared, MINE, false, cmp);
  t.is(v.act, "update");
  t.regex((v as { note: string }).note, /up: false on the host, true declared/);
});

test("judge: own but half missing is replaced, saying what was missing", (t) => {
  const look: Look<object> = { objects: [{ what: "link a", mark: MINE }, { what: "link b", missing: true }], live: undefined };
  const v = judge(look, declared, MINE, false, cmp);
  t.is(v.act, "replace");
  t.regex((v as { note: string }).note, /link b missing/);
});

test("judge: another owner's object is refused naming that owner, even with adopt", (t) => {
  for (const adopt of [false, true]) {
    const v = judge(liveLook(OTHER), declared, MINE, adopt, cmp);
    t.is(v.act, "refuse");
    t.regex((v as { message: string }).message, /belongs to proj\/prod\/Bridge\/br/);
  }
});

test("judge: unmarked is refused unless adopt; adopt marks a match and refuses a difference listing it", (t) => {
  const refused = judge(liveLook(undefined), declared, MINE, false, cmp);
  t.is(refused.act, "refuse");
  t.regex((refused as { message: string }).message, /not managed by this resource.*adopt: true/);
  t.is(judge(liveLook(undefined), declared, MINE, true, cmp).act, "mark");
  const differs = judge(liveLook(undefined, { ...declared, addresses: ["10.0.0.9/24"] }), declared, MINE, true, cmp);
  t.is(differs.act, "refuse");
  t.regex((differs as { message: string }).message, /nothing was changed: addresses: \["10.0.0.9\/24"\] on the host, \["10.0.0.1\/24"\] declared/);
});

test("judge: a predecessor's objects (the rest ours or missing) are inherited, not refused; mixed with a stranger's, refused", (t) => {
  const PRED = markOf("proj/dev/VethPair/br-veth");
  const look = (marks: Array<string | undefined>): Look<object> => ({ objects: marks.map((mark, k) => ({ what: `link ${k}`, mark, missing: mark === "gone" })), live: declared });
  const v = judge(look([PRED, MINE, "gone"]), declared, MINE, false, cmp, [PRED]);
  t.is(v.act, "inherit");
  t.regex((v as { note: string }).note, /took over link 0 in place from proj\/dev\/VethPair\/br-veth/);
  t.is(judge(look([PRED]), declared, MINE, false, cmp).act, "refuse", "without predecessors, the same mark is another owner's");
  t.is(judge(look([PRED, OTHER]), declared, MINE, false, cmp, [PRED]).act, "refuse", "another owner's object next to it");
  t.is(judge(look([PRED, undefined]), declared, MINE, false, cmp, [PRED]).act, "refuse", "an unmarked object next to it");
});

test("expanded: NodeNetwork's names per namespace; each form succeeds the other's resources, and nothing else", (t) => {
  t.deepEqual(expandedNames("node1-NS1"), { namespace: "node1-NS1", veth: "node1-NS1-veth", route: "node1-NS1-default" });
  t.deepEqual(predecessorsOf("proj/dev/BridgedNamespace/node1-NS1"), ["proj/dev/NetNamespace/node1-NS1", "proj/dev/VethPair/node1-NS1-veth", "proj/dev/Route/node1-NS1-default"]);
  for (const owner of ["proj/dev/NetNamespace/node1-NS1", "proj/dev/VethPair/node1-NS1-veth", "proj/dev/Route/node1-NS1-default"]) {
    t.deepEqual(predecessorsOf(owner), ["proj/dev/BridgedNamespace/node1-NS1"], owner);
  }
  for (const owner of ["proj/dev/VethPair/v1", "proj/dev/Route/node1-peer-n2", "proj/dev/Route/-default", "proj/dev/Bridge/node1-bridge", undefined]) {
    t.deepEqual(predecessorsOf(owner), [], String(owner));
  }
});

test("judge: the previous release's global mark is refused as such, and can be adopted", (t) => {
  t.regex((judge(liveLook(OWNER_MARK), declared, MINE, false, cmp) as { message: string }).message, /earlier release of pulumi-netns/);
  t.is(judge(liveLook(OWNER_MARK), declared, MINE, true, cmp).act, "mark");
});

test("judge: a different kind is refused naming both kinds, adopt or not", (t) => {
  for (const adopt of [false, true]) {
    const v = judge(liveLook(undefined, declared, { kind: "veth" }), declared, MINE, adopt, cmp);
    t.is(v.act, "refuse");
    t.regex((v as { message: string }).message, /link br0 already exists as a veth, not the bridge declared/);
  }
});

test("check: owner and adopt are common inputs; an owner that would break the mark format is refused", async (t) => {
  await accepts(t, netNamespaceProvider, { connection: conn(), name: "ns", owner: "p/s/NetNamespace/ns", adopt: true });
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn(), name: "ns", owner: "p s\"x" }, "owner", /only letters, digits/);
  await rejects(t, bridgeProvider, "Bridge", { connection: conn(), name: "br0", owner: "" }, "owner");
  await rejects(t, routeProvider, "Route", { connection: conn(), destination: "default", device: "eth0", adopt: "yes" }, "adopt", /true or false/);
});

test("diff: an owner change is an in-place update (re-mark), an adopt change is no change", async (t) => {
  const base = { connection: conn(), name: "ns", loopbackUp: true };
  const d1 = await netNamespaceProvider.diff("id", base, { ...base, owner: "p/s/NetNamespace/ns" });
  t.deepEqual([d1.changes, d1.replaces], [true, []]);
  const d2 = await netNamespaceProvider.diff("id", { ...base, owner: "o" }, { ...base, owner: "o", adopt: true });
  t.false(d2.changes);
});

test("diff: a rule is marked by its comment, so state that stored an owner (earlier releases) equals state without one", async (t) => {
  for (const [p, rule] of [[natRuleProvider, { jump: "MASQUERADE" }], [iptablesRuleProvider, { jump: "ACCEPT", chain: "FORWARD" }]] as const) {
    const { inputs, failures } = await p.check({}, { connection: conn(), source: "172.16.0.0/24", ...rule, comment: "pulumi-netns:s:r" });
    t.deepEqual(failures, []);
    t.false((await p.diff("id", { ...inputs, owner: "p/s/NatRule/r" }, inputs)).changes);
    // The comment is the mark: changing it still replaces the rule.
    t.deepEqual((await p.diff("id", inputs, { ...inputs, comment: "pulumi-netns:s:other" })).replaces, ["comment"]);
  }
});

test("records: path per object, written and matched by real shell", (t) => {
  t.is(recordPath("route", undefined, 254, 4, "172.16.1.0/24", 0), "/run/pulumi-netns/route/%__254__4__172.16.1.0_24__0");
  const tmp = tempDir("record");
  t.teardown(tmp.cleanup);
  const file = join(tmp.dir, "sub", "rec");
  const s = new Script().step(recordWrite(file, MINE, ["echo", "0"]))
    .step(["sh", "-c", `if ${recordMarkIs(file, MINE)}; then echo mine; fi`]).step(["sh", "-c", `if ${recordMarkIs(file, OTHER)}; then echo other; fi`])
    .show(["cat", file]);
  const r = sh(s.toString());
  t.is(r.code, 0, r.stderr.toString());
  t.true(r.stdout.toString().startsWith("mine\n"));
  t.deepEqual(parseRecord(sectionsOf(r.stdout.toString())[0]), { mark: MINE, rest: ["0"] });
  // No record: only the previous release's state (no owner) matches.
  t.is(execFileSync("sh", ["-c", `if ${recordMarkIs(join(tmp.dir, "none"), undefined)}; then echo legacy; fi`]).toString(), "legacy\n");
});

test("showScript: one section per command, empty when the command fails", (t) => {
  const r = sh(showScript(["echo", "a"], ["false"], ["echo", "c"]));
  t.deepEqual(sectionsOf(r.stdout.toString()), ["a", "", "c"]);
});

test("statusLine: a probe's output and exit status in one section (Ping's result)", (t) => {
  const r = sh([statusLine(["sh", "-c", "echo out; echo err >&2; exit 2"]), statusLine(["true"])].join("\n"));
  t.deepEqual(sectionsOf(r.stdout.toString()), ["out\nerr\nrc=2", "rc=0"]);
});

test("findRule: the rule carrying our comment first, else an identical one under any comment, named for messages", (t) => {
  const rules = [
    { source: "10.0.0.0/8", comment: undefined },
    { source: "172.16.0.0/24", comment: "pulumi-netns:p/b/NatRule/m" },
    { source: "172.16.1.0/24", comment: "pulumi-netns:p/a/NatRule/m" },
  ];
  const same = (src: string) => (r: { source: string }) => r.source === src;
  const own = findRule(rules, "pulumi-netns:p/a/NatRule/m", same("172.16.0.0/24"), "nat/POSTROUTING", "-s 172.16.0.0/24 -j MASQUERADE");
  t.deepEqual(own.found, { what: "nat/POSTROUTING rule with comment pulumi-netns:p/a/NatRule/m", missing: false, mark: "pulumi-netns:p/a/NatRule/m", index: 3 });
  const twin = findRule(rules, "pulumi-netns:p/c/NatRule/m", same("172.16.0.0/24"), "nat/POSTROUTING", "-s 172.16.0.0/24 -j MASQUERADE");
  t.deepEqual(twin.found, { what: "an identical nat/POSTROUTING rule (-s 172.16.0.0/24 -j MASQUERADE)", missing: false, mark: "pulumi-netns:p/b/NatRule/m", index: 2 });
  t.regex((judge({ objects: [twin.found], live: {} }, {}, "pulumi-netns:p/c/NatRule/m", false, () => []) as { message: string }).message, /an identical nat\/POSTROUTING rule .* belongs to p\/b\/NatRule\/m/);
  const hand = findRule(rules, "x", same("10.0.0.0/8"), "filter/FORWARD", "-s 10.0.0.0/8 -j ACCEPT");
  t.like(hand.found, { missing: false, mark: undefined, index: 1 });
  const none = findRule(rules, "x", same("192.168.0.0/16"), "filter/FORWARD", "-s 192.168.0.0/16 -j ACCEPT");
  t.deepEqual(none, { rule: undefined, found: { what: "filter/FORWARD rule (-s 192.168.0.0/16 -j ACCEPT)", missing: true, mark: undefined, index: 0 } });
});
