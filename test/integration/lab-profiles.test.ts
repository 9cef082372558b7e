import test from "ava";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { labDown, vmExec, type LabVmInfo } from "../../provider/lab";
import { REPO_ROOT } from "../helpers/pulumi";
import { pingFrom } from "../helpers/snapshot";

/**
 * The lab profiles through `npm run lab` as a user types it: `--hardened --subnets 2` gives VMs
 * with FORWARD policy DROP and bridge netfilter on, spread over two LAN subnets joined by a router
 * namespace; a bad `--subnets` is refused before anything is made; `down` removes all of it.
 * Own labs c10d (indexes 56-57) and c10e (index 58, never created).
 */
const run = promisify(execFile);
const lab = (...args: string[]) =>
  run("npm", ["run", "--silent", "lab", "--", ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 5 * 60_000 })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" }));
const ours = async () => (await run("ip", ["netns", "list"], { encoding: "utf8" })).stdout.split("\n").filter((l) => /^pnl-c10[de]-/.test(l));
const links = async () => (await run("ip", ["-o", "link", "show"], { encoding: "utf8" })).stdout.split("\n").filter((l) => /: pnl(br5[678]|5[678][vpr]\d+)[:@]/.test(l));

test.after.always(async () => {
  await labDown("c10d").catch(() => undefined);
  await labDown("c10e").catch(() => undefined);
});

test.serial("npm run lab -- up --hardened --subnets 2: hardened VMs on two LAN subnets, reachable only through the router", async (t) => {
  await labDown("c10d").catch(() => undefined);
  const up = await lab("up", "--name", "c10d", "--index", "56", "--nodes", "3", "--hardened", "--subnets", "2");
  t.is(up.code, 0, up.stderr);
  t.regex(up.stderr, /lab c10d: 3 VM\(s\) up on 10\.250\.56\.0\/24 \+ 10\.250\.57\.0\/24 \(routed via 10\.250\.56\.254, 10\.250\.57\.254\) \(hardened\)/);
  const vms = JSON.parse(up.stdout) as LabVmInfo[];
  t.deepEqual(vms.map((v) => v.lanIp), ["10.250.56.11", "10.250.57.12", "10.250.56.13"], "round-robin over the subnets");
  for (const vm of vms) {
    t.true((await vmExec(vm, ["iptables", "-w", "-S", "FORWARD"])).stdout.includes("-P FORWARD DROP"), `${vm.name}: FORWARD policy`);
    t.is((await vmExec(vm, ["sysctl", "-n", "net.bridge.bridge-nf-call-iptables"])).stdout.trim(), "1", `${vm.name}: bridge netfilter`);
  }
  const [vm1, vm2, vm3] = vms;
  t.regex((await vmExec(vm1, ["ip", "route", "get", vm2.lanIp])).stdout, /via 10\.250\.56\.254 dev eth0/, "the other subnet: via the router");
  t.regex((await vmExec(vm1, ["ip", "route", "get", vm3.lanIp])).stdout, /^10\.250\.56\.13 dev eth0/, "the same subnet: on-link");
  t.true(await pingFrom(vm1, undefined, vm2.lanIp), "the router forwards between the subnets");
  const status = await lab("status", "--name", "c10d");
  t.is(status.code, 0, status.stderr);
  t.true((JSON.parse(status.stdout) as Array<{ vms: Array<{ sshReady: boolean }> }>)[0].vms.every((v) => v.sshReady));
});

test.serial("a bad --subnets is refused before anything is made; down removes VMs, router and both LAN bridges", async (t) => {
  const bad = await lab("up", "--name", "c10e", "--index", "58", "--nodes", "1", "--subnets", "5");
  t.is(bad.code, 1);
  t.regex(bad.stderr, /lab subnets 5: must be an integer 1\.\.4/);
  t.deepEqual((await ours()).filter((l) => l.startsWith("pnl-c10e-")), []);
  t.true((await ours()).some((l) => l.startsWith("pnl-c10d-r")), "the router namespace is there before down");
  t.is((await links()).length, 7, "before down: 2 LAN bridges, 3 VM links, 2 router legs");
  const down = await lab("down", "--name", "c10d");
  t.is(down.code, 0, down.stderr);
  t.deepEqual(await ours(), [], "no namespace of either lab is left");
  t.deepEqual(await links(), [], "no bridge or router leg of the lab is left");
});
