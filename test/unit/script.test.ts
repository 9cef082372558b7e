import { spawnSync } from "node:child_process";
import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PREFIX, Script, refusalOf } from "../../provider/ssh/script";
import { sh, tempDir } from "./support";

/** An undo that removes `file` and logs its name, so the order of undos can be checked. */
const undoRm = (file: string, log: string) => ["sh", "-c", 'rm "$1" && printf "%s\\n" "$1" >> "$2"', "undo", file, log];

const logLines = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []);

test("all steps succeed: exit 0, every step's effect stays, no undo runs", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const [a, b, log] = ["a", "b", "log"].map((f) => join(tmp.dir, f));
  const s = new Script().step(["touch", a], undoRm(a, log)).step(["touch", b], undoRm(b, log)).step(["echo", "done"]);
  const r = sh(s.toString());
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.toString(), "done\n");
  t.true(existsSync(a) && existsSync(b));
  t.deepEqual(logLines(log), []);
});

test("a failing step: undo runs in reverse order, removes what was made, and the step's exit code is kept", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const log = join(tmp.dir, "log");
  // Names with quotes and spaces: the undo is quoted twice (stored in a variable, then eval'd).
  const files = ["first", "it's b", "$(c)"].map((f) => join(tmp.dir, f));
  const s = new Script();
  for (const f of files) s.step(["touch", f], undoRm(f, log));
  s.step(["touch", join(tmp.dir, "no-undo")]);
  s.step(["sh", "-c", "exit 5"]);
  s.step(["touch", join(tmp.dir, "never")], undoRm(join(tmp.dir, "never"), log));
  const r = sh(s.toString());
  t.is(r.code, 5);
  t.deepEqual(logLines(log), [...files].reverse());
  for (const f of files) t.false(existsSync(f), f);
  t.true(existsSync(join(tmp.dir, "no-undo"))); // a step without an undo is left alone
  t.false(existsSync(join(tmp.dir, "never"))); // nothing runs after the failure
});

test("a failing undo does not stop the other undos", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const [a, log] = ["a", "log"].map((f) => join(tmp.dir, f));
  const s = new Script().step(["touch", a], undoRm(a, log)).step(["true"], ["false"]).step(["false"]);
  const r = sh(s.toString());
  t.is(r.code, 1);
  t.deepEqual(logLines(log), [a]);
  t.false(existsSync(a));
});

test("refuseIf: a probe that succeeds exits 3 with the pulumi-netns message and runs no step", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const a = join(tmp.dir, "a");
  const message = "link br0 already exists and is not managed by this resource; it's \"taken\"";
  const s = new Script().refuseIf(["true"], message).step(["touch", a]);
  const r = sh(s.toString());
  t.is(r.code, 3);
  t.is(r.stderr, PREFIX + message + "\n");
  t.false(existsSync(a));
  t.is(refusalOf(r.stderr), message);
});

test("refuseIf: a probe that fails lets the script go on; the probe's own output is silenced", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const a = join(tmp.dir, "a");
  const r = sh(new Script().refuseIf(["sh", "-c", "echo noise; echo noise >&2; exit 1"], "never shown").step(["touch", a]).toString());
  t.is(r.code, 0);
  t.is(r.stdout.toString(), "");
  t.is(r.stderr, "done\n", "only the final liveness write");
  t.true(existsSync(a));
});

test("requireThat: exits 3 with its message unless the probe succeeds", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const missing = join(tmp.dir, "missing");
  const r = sh(new Script().requireThat(["test", "-e", missing], "namespace ns1 does not exist; create it first").toString());
  t.is(r.code, 3);
  t.is(refusalOf(r.stderr), "namespace ns1 does not exist; create it first");
  t.is(sh(new Script().requireThat(["test", "-d", tmp.dir], "x").toString()).code, 0);
});

test("deleteIfOwned: not owned (or gone) runs nothing; owned removes and runs the follow-ups", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const [obj, rec, log] = ["obj", "rec", "log"].map((f) => join(tmp.dir, f));
  const owned = `test -e ${obj}`;
  sh(`touch ${rec}`);
  t.is(sh(new Script().deleteIfOwned(owned, ["rm", obj], ["rm", rec]).toString()).code, 0);
  t.true(existsSync(rec), "nothing ran: the object was not there");
  sh(`touch ${obj}`);
  const r = sh(new Script().deleteIfOwned(owned, ["rm", obj], ["sh", "-c", `rm ${rec} && echo followed >> ${log}`]).toString());
  t.is(r.code, 0, r.stderr);
  t.false(existsSync(obj) || existsSync(rec));
  t.deepEqual(logLines(log), ["followed"]);
});

test("deleteIfOwned: a removal that fails because the object vanished meanwhile succeeds; one that fails while it stays fails", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const [obj, log] = ["obj", "log"].map((f) => join(tmp.dir, f));
  const owned = `test -e ${obj}`;
  // The removal's own object is taken by someone else first (as a namespace's cleanup takes a veth), then it fails.
  sh(`touch ${obj}`);
  const raced = sh(new Script().deleteIfOwned(owned, ["sh", "-c", `rm ${obj}; exit 1`], ["sh", "-c", `echo followed >> ${log}`]).toString());
  t.is(raced.code, 0, raced.stderr);
  t.deepEqual(logLines(log), ["followed"], "the follow-ups still run");
  sh(`touch ${obj}`);
  const stuck = sh(new Script().deleteIfOwned(owned, ["false"], ["sh", "-c", `echo followed >> ${log}`]).toString());
  t.not(stuck.code, 0, "the object is still there: the delete fails");
  t.deepEqual(logLines(log), ["followed"], "and nothing after the failed removal runs");
});

test("a refusal after some steps undoes them", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const [a, log] = ["a", "log"].map((f) => join(tmp.dir, f));
  const r = sh(new Script().step(["touch", a], undoRm(a, log)).refuseIf(["test", "-e", a], "a exists").toString());
  t.is(r.code, 3);
  t.false(existsSync(a));
  t.is(refusalOf(r.stderr), "a exists");
});

// INT is left out: a shell started from a background job without job control ignores SIGINT and cannot trap it.
for (const [signal, code] of [["HUP", 129], ["TERM", 143]] as const) {
  test(`SIG${signal} to the script shell (session cut) exits ${code} and undoes`, (t) => {
    const tmp = tempDir("script");
    t.teardown(tmp.cleanup);
    const [a, log, after] = ["a", "log", "after"].map((f) => join(tmp.dir, f));
    const s = new Script()
      .step(["touch", a], undoRm(a, log))
      .step(["sh", "-c", `kill -${signal} "$PPID"`]) // the step's parent is the script shell
      .step(["touch", after]);
    const r = sh(s.toString());
    t.is(r.code, code);
    t.false(existsSync(a));
    t.false(existsSync(after));
    t.deepEqual(logLines(log), [a]);
  });
}

test("refusalOf finds the prefixed line among other stderr, or nothing", (t) => {
  t.is(refusalOf(`warning: x\n${PREFIX}the reason\nmore`), "the reason");
  t.is(refusalOf("RTNETLINK answers: File exists\n"), undefined);
  t.is(refusalOf(""), undefined);
  t.is(refusalOf(`  ${PREFIX}indented is not ours`), undefined);
});

test("when the final write to the client fails (as on a cut connection), the undo runs", (t) => {
  const tmp = tempDir("script");
  t.teardown(tmp.cleanup);
  const a = join(tmp.dir, "a");
  const script = new Script().step(["touch", a], ["rm", "-f", a]).toString();
  // stderr on /dev/full: the last write fails (ENOSPC) as it would with EPIPE on a closed channel.
  const r = spawnSync("sh", ["-c", `exec 2>"$0"; ${script}`, "/dev/full"], { encoding: "utf8" });
  t.not(r.status, 0);
  t.false(existsSync(a), "the undo removed what the steps made");
});
