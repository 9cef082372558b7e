import test from "ava";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The compiled `pulumi-netns graph` on good and bad input: bad input gets one clear line on
 * stderr, a non-zero exit, and no file written (an existing OUT is left as it was).
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "pulumi-netns.js");
const FIX = path.join(ROOT, "test", "graph", "fixtures");

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: input ?? "", encoding: "utf8", cwd: ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpDir(t: { teardown(f: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "graph-cli-"));
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

test("the bin is compiled JS with a shebang, named in package.json", (t) => {
  t.true(fs.readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  t.is(pkg.bin["pulumi-netns"], "dist/cli/pulumi-netns.js");
  t.true(pkg.files.includes("dist/cli"));
});

test("SVG from a file to -o, Mermaid from stdin to stdout", (t) => {
  const d = tmpDir(t);
  const out = path.join(d, "net.svg");
  const a = run(["graph", path.join(FIX, "export.json"), "-o", out]);
  t.is(a.code, 0, a.stderr);
  t.is(a.stdout, "");
  t.regex(fs.readFileSync(out, "utf8"), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
  t.deepEqual(fs.readdirSync(d), ["net.svg"], "no temp file left");
  const b = run(["graph", "--mermaid"], fs.readFileSync(path.join(FIX, "preview-change.json"), "utf8"));
  t.is(b.code, 0, b.stderr);
  t.true(b.stdout.startsWith("flowchart TB\n"));
  t.true(b.stdout.includes("+ netns NS3"));
});

const BAD: Array<[string, string | undefined, string, RegExp]> = [
  ["not JSON", "hello, I am not JSON", "", /^pulumi-netns graph: the input is not JSON \(.*\); pipe in `pulumi stack export` or `pulumi preview --json`\n$/],
  ["empty input", "", "", /^pulumi-netns graph: the input is empty; pipe in/],
  ["JSON of another shape", JSON.stringify({ apiVersion: "v1", kind: "Pod" }), "", /^pulumi-netns graph: the input is JSON of another shape \(no `deployment` or `steps`\)/],
  ["a JSON array", "[1, 2]", "", /^pulumi-netns graph: the input is JSON but not an object/],
  ["an export with no pulumi-netns resources", undefined, "no-netns", /^pulumi-netns graph: the stack has no pulumi-netns resources \(pulumi-nodejs:dynamic\/netns:\*\), so there is no network to draw\n$/],
  ["a preview with errors", undefined, "preview-error", /^pulumi-netns graph: the preview failed \(\d+ errors?\), so there is no planned network to draw: .*\n$/],
];

for (const [what, input, fixture, msg] of BAD) {
  test(`bad input: ${what}`, (t) => {
    const d = tmpDir(t);
    let text = input;
    if (fixture === "no-netns") {
      // The real export with everything of ours taken out: what another project's stack looks like.
      const doc = JSON.parse(fs.readFileSync(path.join(FIX, "export.json"), "utf8"));
      doc.deployment.resources = doc.deployment.resources.filter((r: { type: string }) => !r.type.includes("netns"));
      text = JSON.stringify(doc);
    } else if (fixture) text = fs.readFileSync(path.join(FIX, `${fixture}.json`), "utf8");
    const fresh = path.join(d, "new.svg");
    const r = run(["graph", "-o", fresh], text);
    t.is(r.code, 1);
    t.regex(r.stderr, msg);
    t.is(r.stderr.trimEnd().split("\n").length, 1, "one line");
    t.is(r.stdout, "");
    t.false(fs.existsSync(fresh), "no file written");
    // An existing output file is left as it was.
    const kept = path.join(d, "kept.mmd");
    fs.writeFileSync(kept, "the previous picture\n");
    const again = run(["graph", "--mermaid", "-o", kept], text);
    t.is(again.code, 1);
    t.is(fs.readFileSync(kept, "utf8"), "the previous picture\n");
    t.deepEqual(fs.readdirSync(d).sort(), ["kept.mmd"], "no temp file left");
  });
}

test("usage errors: unknown command or option, missing file", (t) => {
  const a = run(["draw"]);
  t.is(a.code, 2);
  t.regex(a.stderr, /^pulumi-netns: unknown command draw; the only command is `graph` \(see pulumi-netns graph --help\)\n$/);
  const b = run(["graph", "--png"]);
  t.is(b.code, 2);
  t.regex(b.stderr, /unknown option --png/);
  const c = run(["graph", "/nonexistent/x.json"]);
  t.is(c.code, 1);
  t.regex(c.stderr, /^pulumi-netns graph: cannot read \/nonexistent\/x.json: ENOENT\n$/);
  const h = run(["graph", "--help"]);
  t.is(h.code, 0);
  t.true(h.stdout.includes("pulumi preview --json | npx pulumi-netns graph --mermaid"));
});
