import test from "ava";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { labStatus, vmExec } from "../../provider/lab";
import { bridgeProvider, netNamespaceProvider, routeProvider, vethPairProvider } from "../../provider/resources";
import type { DynamicProvider } from "../../provider";
import { rootConnection, useLab } from "../helpers/lab";
import { make } from "../helpers/providers";
import { ok, pulumiCli, REPO_ROOT, resourceSummary, type PulumiCliOptions } from "../helpers/pulumi";
import { formatBytes, stateBytes } from "../helpers/statesize";
import { installProject, packPackage, userEngine } from "../helpers/userproject";

/**
 * Upgrade from 0.1.0: test/fixtures/upgrade-0.1.0/state.json is the real export of a stack
 * 0.1.0 wrote (make.sh there; every __provider a ~2 KB closure with the absolute path of the
 * package in a scratch project that no longer exists). The current package, installed into a
 * project of the same name, refreshes it, updates one property, and destroys it.
 *
 * A fixture carries state, not hosts. So the test first puts the hosts back the way the state
 * describes them: the lab VM again (same lab, index, VM number, so the same address), its new
 * keys written into the state's connections (export --show-secrets, import: the key pair is
 * the only thing a new VM cannot keep), and each network object made from its own inputs in state.
 */
const FIXTURE = path.join(REPO_ROOT, "test", "fixtures", "upgrade-0.1.0");
const lab = useLab(test, { name: "u9c", index: 42, nodes: 1 });
const vm = () => lab().vms[0];
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
let dir = "";
let cli: PulumiCliOptions | undefined;
const pulumi = (...args: string[]) => pulumiCli([...args, "--stack", "fixture", "--non-interactive", "--color", "never"], cli!);

/** Replace string values deeply, inside secrets' plaintext too (what `export --show-secrets` prints). */
function rewrite(v: unknown, map: Map<string, string>): unknown {
  if (typeof v === "string") return map.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => rewrite(x, map));
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] && typeof o.plaintext === "string") return { ...o, plaintext: JSON.stringify(rewrite(JSON.parse(o.plaintext), map)) };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rewrite(x, map)]));
  }
  return v;
}
const plain = (v: unknown): unknown => {
  const o = v as Record<string, unknown>;
  return o && typeof o === "object" && o[SECRET_SIG] ? JSON.parse(o.plaintext as string) : v;
};

interface Res { urn: string; type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }

test.before(async (t) => {
  const engine = await userEngine();
  t.log(engine.note);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-upgrade-"));
  const project = path.join(dir, "project");
  const program = (await fs.readFile(path.join(FIXTURE, "index.js"), "utf8")).replace(
    'const { LabVm, Bridge, NetNamespace, VethPair, Route } = require("pulumi-netns");',
    'const { Bridge, NetNamespace, VethPair, Route } = require("pulumi-netns");\nconst { LabVm } = require("pulumi-netns/lab");',
  );
  if (!program.includes('require("pulumi-netns/lab")')) throw new Error("fixture index.js: the require line to adapt changed");
  await installProject(project, await packPackage(dir), {
    "package.json": JSON.stringify({ name: "upgrade-fixture", private: true, main: "index.js", dependencies: { "@pulumi/pulumi": "^3.259.0" } }),
    "Pulumi.yaml": "name: upgrade-fixture\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n",
    "index.js": program,
  });
  cli = { workDir: dir, passphrase: "upgrade-fixture", binDir: engine.binDir, cwd: project };
  await fs.mkdir(path.join(dir, "state"), { recursive: true });
});

test.after.always(async () => {
  if (cli) await pulumi("destroy", "--yes").catch(() => undefined);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test.serial("0.1.0 state: refresh, update one property, destroy with the current package", async (t) => {
  t.is((await pulumiCli(["stack", "init", "fixture", "--non-interactive"], cli!)).code, 0);
  ok(t, await pulumi("stack", "import", "--file", path.join(FIXTURE, "state.json")), "stack import of the 0.1.0 fixture");
  const old = stateBytes((await pulumi("stack", "export")).stdout);
  t.log(`0.1.0 state per resource:\n${formatBytes(old)}`);
  t.true(old.length === 5 && old.every((r) => r.providerBytes > 300 && r.providerHasPath), "the fixture is the old layout");

  // The hosts as the state describes them (see the file comment).
  const exported = JSON.parse((await pulumi("stack", "export", "--show-secrets")).stdout) as { deployment: { resources: Res[] } };
  const labVm = exported.deployment.resources.find((r) => r.type.endsWith(":LabVm"))!;
  const conn = rootConnection(vm());
  const keys = new Map([[plain(labVm.outputs.privateKey) as string, conn.privateKey!], [labVm.outputs.hostKey as string, conn.hostKey!]]);
  const fixed = rewrite(exported, keys) as typeof exported;
  const fixedFile = path.join(dir, "state-fixed.json");
  await fs.writeFile(fixedFile, JSON.stringify(fixed));
  ok(t, await pulumi("stack", "import", "--file", fixedFile), "stack import with the new VM's keys");
  const providers: Record<string, DynamicProvider> = { Bridge: bridgeProvider, NetNamespace: netNamespaceProvider, VethPair: vethPairProvider, Route: routeProvider };
  for (const r of fixed.deployment.resources) {
    const p = providers[r.type.split(":").pop()!];
    if (!p) continue;
    const { __provider: _, ...inputs } = r.inputs;
    await make(p, { ...inputs, connection: plain(inputs.connection) });
  }

  const refresh = await pulumi("refresh", "--yes", "--skip-preview");
  if (!ok(t, refresh, "refresh (0.1.0 provider texts, their path gone)")) return;
  t.is(resourceSummary(refresh.stdout)["deleted"] ?? 0, 0, "refresh found every object");

  // One property changed, only that resource updated: the others keep their 0.1.0 texts for destroy.
  ok(t, await pulumi("config", "set", "mtu", "1400"), "config set mtu");
  const bridgeUrn = fixed.deployment.resources.find((r) => r.type.endsWith(":Bridge"))!.urn;
  if (!ok(t, await pulumi("up", "--yes", "--skip-preview", "--target", bridgeUrn), "up: the bridge's mtu")) return;
  t.is((await vmExec(vm(), ["cat", "/sys/class/net/br0/mtu"])).stdout.trim(), "1400");
  const after = stateBytes((await pulumi("stack", "export")).stdout);
  t.log(`after the targeted update:\n${formatBytes(after)}`);
  const br = after.find((r) => r.name.endsWith("Bridge::br0"))!;
  t.true(br.providerBytes <= 300 && !br.providerHasPath, "the updated resource holds the current text");
  t.is(after.filter((r) => r.providerHasPath).length, 4, "the others still hold 0.1.0 texts");

  // A full update would move the network resources to the current text: in-place updates, nothing
  // replaced (LabVm keeps its text: see its diff).
  const plan = await pulumi("preview");
  ok(t, plan, "preview");
  t.like(resourceSummary(plan.stdout), { "to update": 3, unchanged: 3 }, plan.stdout);
  t.is(resourceSummary(plan.stdout)["to replace"] ?? 0, 0);

  if (!ok(t, await pulumi("destroy", "--yes", "--skip-preview"), "destroy (mostly 0.1.0 texts)")) return;
  t.false((await labStatus("u9c")).vms.some((v) => v.running), "LabVm's delete removed the VM");
});
