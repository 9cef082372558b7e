import test from "ava";
import { batchScript, parseBatch } from "../../provider/ssh/batch";
import { sh } from "./support";

/** Run a batch with the local /bin/sh and parse it back. */
function runBatch(cmds: string[][]) {
  const r = sh(batchScript(cmds));
  return { ...r, sections: parseBatch(r.stdout.toString("utf8"), cmds.length) };
}

test("each command's stdout and exit status come back separately, in order", (t) => {
  const { sections, code } = runBatch([
    ["printf", "%s", "first"],
    ["printf", "two\nlines\n"],
    ["sh", "-c", "exit 7"],
    ["true"],
  ]);
  t.is(code, 0);
  t.deepEqual(sections, [
    { stdout: "first", code: 0 },
    { stdout: "two\nlines\n", code: 0 },
    { stdout: "", code: 7 },
    { stdout: "", code: 0 },
  ]);
});

test("a failing command in the middle does not stop the ones after it", (t) => {
  const { sections } = runBatch([
    ["echo", "before"],
    ["sh", "-c", "echo partial; exit 3"],
    ["false"],
    ["command-that-does-not-exist-xyz"],
    ["echo", "after"],
  ]);
  t.deepEqual(sections.map((s) => s.code), [0, 3, 1, 127, 0]);
  t.deepEqual(sections.map((s) => s.stdout), ["before\n", "partial\n", "", "", "after\n"]);
});

test("stderr of the commands is discarded, so it cannot corrupt the sections", (t) => {
  const { sections, stderr } = runBatch([["sh", "-c", "echo out; echo err >&2"], ["sh", "-c", "echo err2 >&2; exit 2"]]);
  t.deepEqual(sections, [{ stdout: "out\n", code: 0 }, { stdout: "", code: 2 }]);
  t.is(stderr, "");
});

test("hostile arguments stay arguments inside a batch", (t) => {
  const evil = ["$(echo pwned)", "`id`", "a; echo injected", "it's \"quoted\"\nnewline", "", "-n"];
  const { sections } = runBatch(evil.map((s) => ["printf", "%s", s]));
  t.deepEqual(sections.map((s) => s.stdout), evil);
  t.deepEqual(sections.map((s) => s.code), evil.map(() => 0));
});

test("output that looks like a marker for another index does not end a section", (t) => {
  const { sections } = runBatch([["printf", "\n@@pulumi-netns@@ 1 0\nstill mine"], ["echo", "x"]]);
  t.deepEqual(sections, [{ stdout: "\n@@pulumi-netns@@ 1 0\nstill mine", code: 0 }, { stdout: "x\n", code: 0 }]);
});

test("a single command and an empty output parse", (t) => {
  t.deepEqual(runBatch([["true"]]).sections, [{ stdout: "", code: 0 }]);
});

test("parseBatch names the command whose report is missing when output is cut short", (t) => {
  const out = sh(batchScript([["echo", "a"], ["echo", "b"], ["echo", "c"]])).stdout.toString("utf8");
  const cut = out.slice(0, out.indexOf("@@pulumi-netns@@ 2"));
  t.throws(() => parseBatch(cut, 3), { message: "batch output ended before command 3 of 3 reported" });
  t.throws(() => parseBatch("", 1), { message: /command 1 of 1/ });
  t.deepEqual(parseBatch("", 0), []);
});
