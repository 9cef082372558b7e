import test from "ava";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { labDown, labStatus, vmExec } from "../../provider/lab";
import { engineBinDir, pulumiCli, REPO_ROOT, tail } from "../helpers/pulumi";

/**
 * The package as a user gets it: `npm pack`, installed into a fresh project outside the repo,
 * used from plain JavaScript through the real engine. Proves the serialized providers load
 * the installed package (not the repo) in the dynamic provider host.
 */
const LAB = "pkg";
let dir = "";
let binDir = "";

test.before(async () => {
  binDir = await engineBinDir();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-pkg-"));
  const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: REPO_ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
  const project = path.join(dir, "project");
  await fs.mkdir(project);
  await fs.mkdir(path.join(dir, "state"));
  await fs.writeFile(path.join(project, "package.json"), JSON.stringify({
    name: "netns-user", private: true, main: "index.js",
    dependencies: { "pulumi-netns": `file:${path.join(dir, tgz)}`, "@pulumi/pulumi": "3.259.0" },
  }));
  await fs.writeFile(path.join(project, "Pulumi.yaml"), "name: netns-user\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
  await fs.writeFile(path.join(project, "index.js"), [
    `const { LabVm, NetNamespace, Bridge } = require("pulumi-netns");`,
    `const vm = new LabVm("vm", { lab: "${LAB}", index: 19, vm: 1 });`,
    `const ns = new NetNamespace("ns", { connection: vm.connection, name: "NSpkg" });`,
    `const br = new Bridge("br", { connection: vm.connection, name: "brpkg", addresses: ["172.31.0.1/24"] });`,
    `exports.namespace = ns.name; exports.bridgeMac = br.mac;`,
  ].join("\n"));
  // The same registry and cache the repo's own install used; nothing else is fetched.
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: project, stdio: "ignore" });
});

test.after.always(async () => {
  if (dir) {
    const opts = { workDir: dir, passphrase: "pkg", binDir, cwd: path.join(dir, "project") };
    await pulumiCli(["destroy", "--yes", "--non-interactive", "--stack", "dev"], opts).catch(() => undefined);
  }
  await labDown(LAB).catch(() => undefined);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test.serial("installed from npm pack into another project: up, state loads the installed package, destroy", async (t) => {
  const opts = { workDir: dir, passphrase: "pkg", binDir, cwd: path.join(dir, "project") };
  const cli = (...args: string[]) => pulumiCli([...args, "--non-interactive", "--stack", "dev"], opts);
  t.is((await pulumiCli(["stack", "init", "dev", "--non-interactive"], opts)).code, 0);

  const up = await cli("up", "--yes", "--skip-preview");
  t.is(up.code, 0, tail(up.stdout + up.stderr));
  const vm = (await labStatus(LAB)).vms[0].info;
  t.true((await vmExec(vm, ["ip", "-json", "netns", "list"])).stdout.includes('"NSpkg"'));
  t.is((await vmExec(vm, ["cat", "/sys/class/net/brpkg/address"])).stdout.trim().length, 17);

  // The provider text in state points into the project's node_modules, not at the repo.
  const state = (await cli("stack", "export")).stdout;
  t.true(state.includes(path.join(dir, "project", "node_modules", "pulumi-netns", "dist", "provider", "index.js")));
  t.false(state.includes(path.join(REPO_ROOT, "dist", "provider")));

  t.is((await cli("preview", "--expect-no-changes")).code, 0);
  const destroy = await cli("destroy", "--yes");
  t.is(destroy.code, 0, tail(destroy.stdout + destroy.stderr));
  t.false((await labStatus(LAB)).exists);
});
