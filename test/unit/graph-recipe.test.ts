import test from "ava";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The pull-request recipe (examples/pr-preview/network-preview.yml) as a user's CI runs it,
 * all but the pulumi preview (a recorded one stands in) and the posting: its "Draw the
 * planned network" step, verbatim, in a project that has pulumi-netns in node_modules.
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");
const WORKFLOW = path.join(ROOT, "examples", "pr-preview", "network-preview.yml");

/** The `run: |` block of the named step, dedented. */
function stepScript(yaml: string, name: string): string {
  const lines = yaml.split("\n");
  const at = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  if (at < 0) throw new Error(`no step "${name}" in ${WORKFLOW}`);
  const run = lines.findIndex((l, i) => i > at && /^\s+run: \|\s*$/.test(l));
  const indent = /^\s*/.exec(lines[run + 1])![0].length;
  const body: string[] = [];
  for (const l of lines.slice(run + 1)) {
    if (l.trim() && /^\s*/.exec(l)![0].length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join("\n");
}

test("the workflow previews with --show-sames, draws Mermaid and posts it as a PR comment", (t) => {
  const yaml = fs.readFileSync(WORKFLOW, "utf8");
  t.regex(yaml, /pulumi preview --stack "\$STACK" --json --show-sames > preview\.json/);
  t.regex(yaml, /npx --no-install pulumi-netns graph preview\.json --mermaid -o network\.mmd/);
  t.regex(yaml, /gh pr comment "\$\{\{ github\.event\.pull_request\.number \}\}" --body-file comment\.md/);
  t.regex(yaml, /pull-requests: write/);
});

test("its drawing step, run on a recorded preview, writes a comment with a Mermaid block", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pr-preview-"));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A user's project: pulumi-netns installed (this checkout), its bin linked as npm does.
  fs.mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, "node_modules", "pulumi-netns"));
  fs.symlinkSync("../pulumi-netns/dist/cli/pulumi-netns.js", path.join(dir, "node_modules", ".bin", "pulumi-netns"));
  fs.chmodSync(path.join(ROOT, "dist", "cli", "pulumi-netns.js"), 0o755); // npm makes a bin executable when it links it; tsc does not
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "my-network", private: true, dependencies: { "pulumi-netns": "*" } }));
  fs.copyFileSync(path.join(ROOT, "test", "graph", "fixtures", "preview-change.json"), path.join(dir, "preview.json"));
  const script = stepScript(fs.readFileSync(WORKFLOW, "utf8"), "Draw the planned network");
  const r = spawnSync("bash", ["-eo", "pipefail", "-c", script], {
    cwd: dir, encoding: "utf8",
    env: { ...process.env, STACK: "prod", PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
  });
  t.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const comment = fs.readFileSync(path.join(dir, "comment.md"), "utf8");
  t.true(comment.startsWith("### Network after this change (stack `prod`)\n\n```mermaid\nflowchart TB\n"));
  t.true(comment.trimEnd().endsWith("```"));
  t.true(comment.includes("+ netns NS3"), "the planned namespace is in the comment");
  t.is(comment.split("```mermaid\n")[1].split("```")[0], fs.readFileSync(path.join(dir, "network.mmd"), "utf8"));
});
