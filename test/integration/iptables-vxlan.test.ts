import test from "ava";
import { vmExec } from "../../provider/lab";
import { bridgeProvider, iptablesRuleProvider, vxlanProvider } from "../../provider/resources";
import { rootConnection, useLab } from "../helpers/lab";
import { change, make } from "../helpers/providers";
import { snapshot } from "../helpers/snapshot";

/**
 * IptablesRule and Vxlan through their providers on a real lab VM: what reaches the kernel,
 * read-back (refresh) truth, ownership, in-place peer changes, and deletes of exactly our objects.
 * Own lab c10c (index 54). Nothing here sends traffic.
 */
const lab = useLab(test, { name: "c10c", index: 54, nodes: 1 });
const vm = () => lab().vms[0];
const conn = () => rootConnection(vm());
const sh = async (...argv: string[]) => (await vmExec(vm(), argv, { allowFail: true })).stdout;
const forward = () => sh("iptables", "-w", "-S", "FORWARD");

test.serial("IptablesRule: insert at the top, idempotent, read back, refuses a foreign twin, deletes exactly its own rule", async (t) => {
  const before = await snapshot(vm());
  await vmExec(vm(), ["iptables", "-w", "-A", "FORWARD", "-s", "10.9.0.0/16", "-j", "DROP"]); // someone else's rule, first in the chain
  const spec = { connection: conn(), chain: "FORWARD", source: "172.16.0.0/24", notOutInterface: "eth0", protocol: "tcp", destinationPort: 80, jump: "ACCEPT", position: "insert", comment: "pulumi-netns:t:web" };
  const r = await make(iptablesRuleProvider, spec);
  const lines = (await forward()).split("\n").filter((l) => l.startsWith("-A"));
  t.is(lines[0], '-A FORWARD -s 172.16.0.0/24 ! -o eth0 -p tcp -m tcp --dport 80 -m comment --comment "pulumi-netns:t:web" -j ACCEPT', "inserted above the existing rule");
  t.is(lines[1], "-A FORWARD -s 10.9.0.0/16 -j DROP");

  // A create retried after a lost reply: -C finds it, nothing is added twice.
  await iptablesRuleProvider.create(r.outs);
  t.is((await forward()).split("\n").filter((l) => l.includes("pulumi-netns:t:web")).length, 1);

  // Refresh: the live rule equals state (no diff); changed out of band, it shows.
  const read = await iptablesRuleProvider.read(r.id, r.outs);
  t.false((await iptablesRuleProvider.diff(r.id, r.outs, read.props!)).changes);
  // An identical rule without our comment is someone else's: a second resource refuses it.
  await vmExec(vm(), ["iptables", "-w", "-A", "FORWARD", "-s", "10.8.0.0/16", "-j", "ACCEPT"]);
  await t.throwsAsync(make(iptablesRuleProvider, { connection: conn(), chain: "FORWARD", source: "10.8.0.0/16", jump: "ACCEPT", comment: "pulumi-netns:t:x" }), { message: /already exists and is not managed/ });

  await iptablesRuleProvider.delete(r.id, r.outs);
  await iptablesRuleProvider.delete(r.id, r.outs); // already gone: fine
  t.is((await iptablesRuleProvider.read(r.id, r.outs)).id, "");
  const left = await forward();
  t.true(left.includes("-A FORWARD -s 10.9.0.0/16 -j DROP") && left.includes("-A FORWARD -s 10.8.0.0/16 -j ACCEPT"), "the others' rules stay");
  await vmExec(vm(), ["iptables", "-w", "-D", "FORWARD", "-s", "10.9.0.0/16", "-j", "DROP"]);
  await vmExec(vm(), ["iptables", "-w", "-D", "FORWARD", "-s", "10.8.0.0/16", "-j", "ACCEPT"]);
  t.deepEqual(await snapshot(vm()), before);
});

test.serial("Vxlan: the device as declared, on its bridge, peers and mtu change in place, refresh tells the truth, delete only ours", async (t) => {
  const before = await snapshot(vm());
  // Kept down, so nothing is ever flooded to the (unassigned) peer addresses.
  const br = await make(bridgeProvider, { connection: conn(), name: "br-vx", up: false });
  const inputs = { connection: conn(), name: "vxlan7", vni: 7, local: vm().lanIp, device: "eth0", bridge: "br-vx", peers: ["10.250.54.99"] };
  const v = await make(vxlanProvider, inputs);
  const link = JSON.parse(await sh("ip", "-json", "-details", "link", "show", "dev", "vxlan7"))[0];
  t.like(link.linkinfo.info_data, { id: 7, local: vm().lanIp, link: "eth0", port: 4789, learning: false });
  t.is(link.master, "br-vx");
  t.is(link.ifalias, "pulumi-netns");
  t.is(link.mtu, 1450, "the kernel leaves room for the 50-byte header");
  t.regex(await sh("bridge", "fdb", "show", "dev", "vxlan7"), /00:00:00:00:00:00 dst 10\.250\.54\.99/);

  const { diff, made } = await change(v, { ...inputs, peers: ["10.250.54.99", "10.250.54.98"], mtu: 1400 });
  t.deepEqual(diff.replaces, []);
  const fdb = await sh("bridge", "fdb", "show", "dev", "vxlan7");
  t.true(fdb.includes("dst 10.250.54.98") && fdb.includes("dst 10.250.54.99"), fdb);
  const r2 = await change(made, { ...inputs, peers: ["10.250.54.98"], mtu: 1400 });
  t.false((await sh("bridge", "fdb", "show", "dev", "vxlan7")).includes("dst 10.250.54.99"), "a peer that left loses its flood entry");

  // Out of band: a flood entry removed; refresh shows it as drift.
  await vmExec(vm(), ["bridge", "fdb", "del", "00:00:00:00:00:00", "dev", "vxlan7", "dst", "10.250.54.98"]);
  const read = await vxlanProvider.read(r2.made.id, r2.made.outs);
  t.deepEqual(read.props?.peers, []);
  t.is(read.props?.mtu, 1400);
  t.deepEqual((await vxlanProvider.diff(r2.made.id, read.props!, r2.made.outs)).changes, true);

  // An unowned device of the same name is refused, and never deleted.
  await vxlanProvider.delete(r2.made.id, r2.made.outs);
  await vmExec(vm(), ["ip", "link", "add", "vxlan7", "type", "vxlan", "id", "7", "dstport", "4789", "local", vm().lanIp, "dev", "eth0"]);
  await t.throwsAsync(vxlanProvider.create(r2.made.outs), { message: /already exists and is not managed/ });
  await vxlanProvider.delete(r2.made.id, r2.made.outs);
  t.truthy(await sh("ip", "link", "show", "dev", "vxlan7"), "not ours: still there");
  await vmExec(vm(), ["ip", "link", "del", "vxlan7"]);
  await bridgeProvider.delete(br.id, br.outs);
  t.deepEqual(await snapshot(vm()), before);
});
