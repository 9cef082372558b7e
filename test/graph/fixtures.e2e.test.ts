import test from "ava";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { FIXTURES, graph, save } from "./record";
import { labDown } from "../../provider/lab";
import { engineBinDir, ok, REPO_ROOT, setNodes, TestStack } from "../helpers/pulumi";

/**
 * Records the graph fixtures from real runs of the demo program (examples/two-node) through
 * the real engine, on its own lab "g12a" (index 80): the fresh preview, the state after `up`
 * (`stack export`, secrets encrypted), the preview of a change (node2 gains NS3, NS1 moves to
 * .9), the destroy preview and a failed preview. Each recording is rendered by the compiled CLI
 * and checked. They land in test/graph/out/recorded/ (gitignored); with GRAPH_RECORD_FIXTURES=1
 * in test/graph/fixtures/, the committed copies the unit and browser tests render (secrets
 * stay ciphertext or "[secret]"; the save refuses a private key in plain text).
 * after.always destroys the stack and downs the lab.
 */
const LAB = "g12a";
const LAB_INDEX = 80;
const STACK = "graph-demo"; // fixed: it is part of every URN and NAT comment in the fixtures

let stack: TestStack | undefined;
const st = () => {
  if (!stack) throw new Error("the test stack was not created (see the before hook)");
  return stack;
};

test.before(async (t) => {
  await fs.access(path.join(REPO_ROOT, "dist", "examples", "two-node", "index.js"));
  await labDown(LAB).catch(() => undefined); // left over from a crashed run
  stack = await TestStack.create(STACK, { binDir: await engineBinDir() });
  for (const [k, v] of [["labName", LAB], ["labIndex", String(LAB_INDEX)]]) {
    const r = await st().configSet(k, v);
    if (r.code !== 0) throw new Error(`pulumi config set ${k} failed: ${r.stderr}`);
  }
  t.log(`stack ${STACK} in ${st().workDir}`);
});

test.after.always(async (t) => {
  await stack?.removeLogged(t);
  await labDown(LAB);
});

test.serial("the demo stack's export and previews are recorded from real runs", async (t) => {
  // --show-sames: a preview's JSON lists unchanged resources only with it, and the picture needs them.
  const fresh = await st().run(["preview", "--json", "--show-sames"]);
  if (!ok(t, fresh, "pulumi preview --json")) return;
  await save("preview-create.json", fresh.stdout);

  if (!ok(t, await st().run(["up", "--yes", "--skip-preview"]), "pulumi up")) return;
  const exp = await st().run(["stack", "export"]);
  if (!ok(t, exp, "pulumi stack export")) return;
  t.true(exp.stdout.includes("4dabf18193072939515e22adb298388d"), "the connections are stored as secrets");
  await save("export.json", exp.stdout);

  // The change: node2 gains NS3 (.4) and NS1 moves from .2 to .9 (the program's `nodes` config).
  const set = await setNodes(st(), [
    { name: "node1", subnet: "172.16.0.0/24" },
    { name: "node2", subnet: "172.16.1.0/24", namespaces: { NS1: "172.16.1.9", NS2: "172.16.1.3", NS3: "172.16.1.4" } },
  ]);
  if (!ok(t, set, "pulumi config set-all")) return;
  const change = await st().run(["preview", "--json", "--show-sames"]);
  if (!ok(t, change, "pulumi preview --json (change)")) return;
  await save("preview-change.json", change.stdout);

  const destroy = await st().run(["destroy", "--preview-only", "--json"]);
  if (!ok(t, destroy, "pulumi destroy --preview-only --json")) return;
  await save("preview-destroy.json", destroy.stdout);

  // A preview that fails: an address the provider's check rejects.
  const bad = await st().run(["config", "set", "--path", "nodes[1].namespaces.NS4", "999.16.1.5"]);
  if (!ok(t, bad, "pulumi config set (bad address)")) return;
  const failed = await st().run(["preview", "--json", "--show-sames"]);
  t.not(failed.code, 0, "the preview of a bad address fails");
  await save("preview-error.json", failed.stdout);

  // What the tool draws from these recordings.
  const addr = (vm: number) => `10.250.${LAB_INDEX}.${10 + vm}`;
  const now = graph("export.json", "--mermaid");
  t.is(now.code, 0, now.stderr);
  for (const s of [addr(1), addr(2), "bridge br0", "172.16.0.1/24", "172.16.1.1/24", "netns NS1", "netns NS2", "172.16.0.2/24", "172.16.1.3/24", "ip_forward=1", "MASQUERADE", "rule filter/FORWARD -s 172.16.0.0/24 -j ACCEPT"]) {
    t.true(now.stdout.includes(s), `the export's picture shows ${s}`);
  }
  const planned = graph("preview-change.json", "--mermaid");
  t.is(planned.code, 0, planned.stderr);
  t.true(planned.stdout.includes("+ netns NS3"), "NS3 is drawn as added");
  t.true(planned.stdout.includes("~ veth11 172.16.1.2/24 -#gt; 172.16.1.9/24"), "NS1's address change is drawn old -> new");
  const gone = graph("preview-destroy.json", "--mermaid");
  t.is(gone.code, 0, gone.stderr);
  t.true(gone.stdout.includes("- netns NS1") && gone.stdout.includes("- bridge br0"), "the destroy preview draws everything as removed");
  const refused = graph("preview-error.json", "-o", path.join(FIXTURES, "never.svg"));
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^pulumi-netns graph: the preview failed .*\n$/);
  await t.throwsAsync(fs.access(path.join(FIXTURES, "never.svg")), undefined, "no output of a failed preview");
});
