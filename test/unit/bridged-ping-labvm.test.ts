/** check and diff of BridgedNamespace, Ping and LabVm: pure logic, no host, no root. */
import test from "ava";
import { bridgedNamespaceProvider, pingProvider } from "../../provider/resources";
import { labVmProvider } from "../../provider/resources/labvm";
import type { DynamicProvider } from "../../provider/resource";
import { UNKNOWN } from "../../provider/validate/unknown";
import { accepts, rejects } from "./check-helpers";
import { conn } from "./support";

type Props = Record<string, unknown>;

async function checked(p: DynamicProvider, inputs: Props): Promise<Props> {
  const r = await p.check({}, inputs);
  if (r.failures.length) throw new Error(`fixture does not check: ${JSON.stringify(r.failures)}`);
  return r.inputs;
}
const diff = async (p: DynamicProvider, olds: Props, news: Props, outs: Props = {}) =>
  p.diff("id", { ...(await checked(p, olds)), ...outs }, await checked(p, news));

// ---- BridgedNamespace ----

const bns = (over: Props = {}) => ({
  connection: conn(), name: "ns1", bridge: "br0", address: "172.16.0.2/24", gateway: "172.16.0.1", hostVeth: "veth10", nsVeth: "veth11", ...over,
});
const BNS_OUTS = { mac: "02:00:00:00:00:01", hostMac: "02:00:00:00:00:02" };

test("BridgedNamespace: accepts the tutorial's namespace; gateway and mtu are optional", async (t) => {
  t.like(await accepts(t, bridgedNamespaceProvider, bns()), { name: "ns1", address: "172.16.0.2/24", gateway: "172.16.0.1" });
  const bare = await accepts(t, bridgedNamespaceProvider, bns({ gateway: undefined }));
  t.false("gateway" in bare);
  t.false("mtu" in bare);
});

test("BridgedNamespace: the address is stored as ip prints it (IPv6 compressed)", async (t) => {
  const i = await accepts(t, bridgedNamespaceProvider, bns({ address: "FD00:0:0:0:0:0:0:2/64", gateway: "fd00::1" }));
  t.is(i.address, "fd00::2/64");
});

test("BridgedNamespace: a gateway off the subnet, or the namespace's own address, is refused on gateway", async (t) => {
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ gateway: "172.16.1.1" }), "gateway", /outside 172\.16\.0\.2\/24/);
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ gateway: "172.16.0.2" }), "gateway", /own address/);
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ gateway: "fd00::1" }), "gateway", /outside/);
});

test("BridgedNamespace: names, address and mtu are validated on their own property", async (t) => {
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ name: "a b" }), "name");
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ hostVeth: "x".repeat(16) }), "hostVeth", /at most 15/);
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ nsVeth: "all" }), "nsVeth");
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ address: "172.16.0.2" }), "address", /prefix length/);
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ mtu: 67 }), "mtu", /at least 68/);
  await rejects(t, bridgedNamespaceProvider, "BridgedNamespace", bns({ veth: "x" }), "veth", /unknown property/);
});

test("BridgedNamespace: a gateway still unknown at preview is not cross-checked yet", async (t) => {
  const r = await bridgedNamespaceProvider.check({}, bns({ gateway: UNKNOWN }));
  t.deepEqual(r.failures, []);
});

test("BridgedNamespace: identical inputs → no changes; address, gateway and mtu change in place", async (t) => {
  t.deepEqual(await diff(bridgedNamespaceProvider, bns(), bns(), BNS_OUTS), { changes: false, replaces: [], deleteBeforeReplace: false });
  for (const over of [{ address: "172.16.0.9/24" }, { gateway: undefined }, { mtu: 1400 }]) {
    t.deepEqual(await diff(bridgedNamespaceProvider, bns(), bns(over), BNS_OUTS), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(over));
  }
});

test("BridgedNamespace: name, bridge and veth names replace; reusing a kernel name deletes first", async (t) => {
  // Only the bridge changes: the same namespace and host veth names are taken again.
  t.deepEqual(await diff(bridgedNamespaceProvider, bns(), bns({ bridge: "br1" })), { changes: true, replaces: ["bridge"], deleteBeforeReplace: true });
  // A new namespace name but the same host veth name: still delete first.
  t.deepEqual(await diff(bridgedNamespaceProvider, bns(), bns({ name: "ns2" })), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
  // Every kernel name new: create the replacement first.
  t.deepEqual(
    await diff(bridgedNamespaceProvider, bns(), bns({ name: "ns2", hostVeth: "veth20", nsVeth: "veth21" })),
    { changes: true, replaces: ["name", "hostVeth", "nsVeth"], deleteBeforeReplace: false },
  );
});

// ---- Ping ----

const ping = (over: Props = {}) => ({ connection: conn(), target: "172.16.1.2", ...over });

test("Ping: count defaults to 3 and must be 1-20; target must be an address", async (t) => {
  t.like(await accepts(t, pingProvider, ping()), { target: "172.16.1.2", count: 3 });
  await accepts(t, pingProvider, ping({ target: "fd00::2", namespace: "NS1", count: 20, triggers: { any: ["thing"] } }));
  await rejects(t, pingProvider, "Ping", ping({ count: 0 }), "count");
  await rejects(t, pingProvider, "Ping", ping({ count: 21 }), "count", /1-20/);
  await rejects(t, pingProvider, "Ping", ping({ target: "example.com" }), "target", /IPv4 or IPv6 address/);
  await rejects(t, pingProvider, "Ping", ping({ target: "-f" }), "target");
  await rejects(t, pingProvider, "Ping", ping({ namespace: "a;b" }), "namespace");
});

test("Ping: a change of target, namespace, count or triggers re-runs the probe (replace)", async (t) => {
  const outs = { reachable: true, summary: "2 packets transmitted, 2 received" };
  t.deepEqual(await diff(pingProvider, ping(), ping(), outs), { changes: false, replaces: [], deleteBeforeReplace: false });
  for (const [key, value] of [["target", "172.16.1.3"], ["namespace", "NS1"], ["count", 5], ["triggers", ["172.16.1.9"]]] as const) {
    const r = await diff(pingProvider, ping(), ping({ [key]: value }), outs);
    t.true(r.changes && r.replaces.includes(key), `${key}: ${JSON.stringify(r)}`);
  }
});

// ---- LabVm (no connection: it runs on the machine running Pulumi) ----

test("LabVm: lab and index default; vm is required and 1-200", async (t) => {
  t.like(await accepts(t, labVmProvider, { vm: 1 }), { lab: "demo", index: 0, vm: 1 });
  await rejects(t, labVmProvider, "LabVm", {}, "vm");
  await rejects(t, labVmProvider, "LabVm", { vm: 0 }, "vm", /1-200/);
  await rejects(t, labVmProvider, "LabVm", { vm: 1.5 }, "vm", /whole number/);
  await rejects(t, labVmProvider, "LabVm", { vm: 1, index: 255 }, "index", /0-254/);
  await rejects(t, labVmProvider, "LabVm", { vm: 1, lab: "Lab_1" }, "lab", /\[a-z0-9-\]/);
  await rejects(t, labVmProvider, "LabVm", { vm: 1, host: "x" }, "host", /unknown property/);
});

test("LabVm: any change of lab, index or vm replaces the VM; none → no changes", async (t) => {
  const vm = { lab: "demo", index: 0, vm: 1 };
  const same = await labVmProvider.diff("id", vm, vm);
  t.false(same.changes);
  t.deepEqual(same.replaces, []);
  for (const over of [{ lab: "other" }, { index: 3 }, { vm: 2 }]) {
    const r = await labVmProvider.diff("id", vm, { ...vm, ...over });
    t.true(r.changes, JSON.stringify(over));
    t.deepEqual(r.replaces, Object.keys(over));
  }
});
