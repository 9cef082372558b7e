import test from "ava";
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { vmExec } from "../../provider/lab";
import { rootConnection, useLab } from "../helpers/lab";
import { ok, pulumiCli, REPO_ROOT, resourceSummary, type PulumiCliOptions } from "../helpers/pulumi";
import { snapshot, type HostSnapshot } from "../helpers/snapshot";
import { formatBytes, stateBytes } from "../helpers/statesize";
import { installProject, npmLsSdk, packPackage, readmeBlock, sdkCopies, userEngine } from "../helpers/userproject";

/**
 * The package as a user installs it: `npm pack`, then a fresh TypeScript project (as
 * `pulumi new typescript` makes) next to @pulumi/pulumi@latest and @pulumi/command@1.2.1, running
 * exactly the README's "Use it in your project" program against a lab VM given in stack config.
 * Then the project moves: copied to another folder, the first deleted, operated from the copy.
 */
const run = promisify(execFile);
const lab = useLab(test, { name: "u9a", index: 40, nodes: 1 });
const vm = () => lab().vms[0];
let dir = "";
let a = "";
let b = "";
let cli: Omit<PulumiCliOptions, "cwd"> | undefined;
let before: HostSnapshot | undefined;

const inProject = (cwd: string, ...args: string[]) => pulumiCli([...args, "--stack", "dev", "--non-interactive", "--color", "never"], { ...cli!, cwd });

test.before(async (t) => {
  const engine = await userEngine();
  t.log(engine.note);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-user-"));
  cli = { workDir: dir, passphrase: "user-project", binDir: engine.binDir };
  a = path.join(dir, "a");
  b = path.join(dir, "b");
  await fs.mkdir(path.join(dir, "state"));
  // As `npm install @pulumi/pulumi@latest` records it.
  const latest = (await run("npm", ["view", "@pulumi/pulumi@latest", "version"], { encoding: "utf8" })).stdout.trim();
  await installProject(a, await packPackage(dir), {
    "package.json": JSON.stringify({
      name: "netns-user", main: "index.ts",
      devDependencies: { "@types/node": "^22", typescript: "^5.0.0" },
      dependencies: { "@pulumi/pulumi": `^${latest}`, "@pulumi/command": "1.2.1" },
    }),
    "Pulumi.yaml": "name: netns-user\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\n",
    "tsconfig.json": await fs.readFile(path.join(REPO_ROOT, "examples", "two-node", "tsconfig.json"), "utf8"),
    "index.ts": await readmeBlock("Use it in your project", "ts"),
  });
});

test.after.always(async () => {
  for (const cwd of [b, a]) {
    if (cwd && (await fs.stat(cwd).catch(() => undefined))) await inProject(cwd, "destroy", "--yes").catch(() => undefined);
  }
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test.serial("one @pulumi/pulumi on disk next to @pulumi/pulumi@latest and @pulumi/command@1.2.1", async (t) => {
  t.log(`npm ls @pulumi/pulumi:\n${await npmLsSdk(a)}`);
  const copies = await sdkCopies(a);
  t.deepEqual(copies.map((c) => path.relative(a, c)), [path.join("node_modules", "@pulumi", "pulumi")]);
  const pkg = JSON.parse(await fs.readFile(path.join(a, "node_modules", "pulumi-netns", "package.json"), "utf8")) as Record<string, unknown>;
  // The SDK only as a peer (the user's copy), @pulumi/command not at all at run time.
  t.deepEqual(Object.keys(pkg.dependencies as object).filter((d) => d.startsWith("@pulumi/")), []);
  t.deepEqual(Object.keys(pkg.peerDependencies as object), ["@pulumi/pulumi"]);
});

test.serial("the README program: up, state is small and path-free, preview shows no changes", async (t) => {
  // The user's own type check, with `pulumi new typescript`'s tsconfig (no skipLibCheck): our typings must not drag in the core's.
  await run(path.join(a, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], { cwd: a, encoding: "utf8" });
  before = await snapshot(vm());
  const conn = rootConnection(vm());
  t.is((await pulumiCli(["stack", "init", "dev", "--non-interactive"], { ...cli!, cwd: a })).code, 0);
  for (const [key, value, secret] of [["host", conn.host], ["hostKey", conn.hostKey!], ["privateKey", conn.privateKey!, true]] as const) {
    const args = ["config", "set", ...(secret ? ["--secret"] : []), "--stack", "dev", "--non-interactive", key, "--", value];
    ok(t, await pulumiCli(args, { ...cli!, cwd: a }), `config set ${key}`);
  }
  if (!ok(t, await inProject(a, "up", "--yes", "--skip-preview"), "up")) return;
  t.true((await vmExec(vm(), ["ip", "-json", "netns", "list"])).stdout.includes('"NS1"'));
  t.regex((await vmExec(vm(), ["ip", "-n", "NS1", "route", "show", "default"])).stdout, /default via 172\.16\.0\.1 dev veth11/);

  const exported = (await inProject(a, "stack", "export")).stdout;
  const rows = stateBytes(exported);
  t.log(`state per resource:\n${formatBytes(rows)}`);
  t.is(rows.length, 4);
  // The SDK records the line that declared each resource (one frame below its class's constructor):
  // the user's program, not a file of this package.
  const ours = (JSON.parse(exported) as { deployment: { resources: Array<{ type: string; urn: string; sourcePosition?: string }> } })
    .deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/netns:"));
  for (const r of ours) t.regex(r.sourcePosition ?? "", /^project:\/\/\/index\.ts#\d+,\d+$/, `${r.urn}: source position`);
  for (const r of rows) {
    t.true(r.providerBytes > 0 && r.providerBytes <= 300, `${r.name}: __provider ${r.providerBytes} B`);
    t.false(r.providerHasPath, `${r.name}: __provider names a path`);
    // 0.1.0 wrote ~8 KB per resource. What remains is mostly the encrypted connection (inputs and
    // outputs, as remote.Command stores it) and the call stack the SDK records with every resource
    // (any provider's: its size follows the user's program, not ours).
    t.true(r.bytes - r.traceBytes <= 3584, `${r.name}: ${r.bytes - r.traceBytes} B of state besides the SDK's stack trace`);
    t.true(r.bytes <= 4096, `${r.name}: ${r.bytes} B of state`);
  }
  ok(t, await inProject(a, "preview", "--expect-no-changes"), "preview --expect-no-changes");
  const about = await inProject(a, "about");
  const plugins = about.stdout.split("\n").filter((l) => /^(language|resource)\s+\S+\s+\S+/.test(l)).map((l) => l.trim().split(/\s+/).join(" "));
  t.log(`pulumi about (exit ${about.code}), plugins: ${plugins.join(" | ") || "none listed"}`);
  t.true(plugins.some((p) => p.startsWith("language nodejs ")), about.stdout);
  // Any command plugin listed must be a real release (1.x), never the phantom 4.5.0.
  t.deepEqual(plugins.filter((p) => p.startsWith("resource command ") && !/^resource command v?1\./.test(p)), []);
});

test.serial("moved project: copy to another folder, delete the first, refresh / preview / destroy from the copy", async (t) => {
  await fs.cp(a, b, { recursive: true, verbatimSymlinks: true });
  await fs.rm(a, { recursive: true, force: true });
  const refresh = await inProject(b, "refresh", "--yes", "--skip-preview");
  if (!ok(t, refresh, "refresh from the moved folder")) return;
  t.deepEqual(resourceSummary(refresh.stdout)["deleted"] ?? 0, 0, "refresh must find every object on the host");
  ok(t, await inProject(b, "preview", "--expect-no-changes"), "preview --expect-no-changes from the moved folder");
  if (!ok(t, await inProject(b, "destroy", "--yes", "--skip-preview"), "destroy from the moved folder")) return;
  t.deepEqual(await snapshot(vm()), before, "the host is as before");
});
