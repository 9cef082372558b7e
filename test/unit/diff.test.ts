import test from "ava";
import { bridgeProvider, natRuleProvider, netNamespaceProvider, routeProvider, sysctlProvider, vethPairProvider } from "../../provider/resources";
import { UNKNOWN } from "../../provider/validate/unknown";
import type { DynamicProvider } from "../../provider/resource";
import { conn } from "./support";

type Props = Record<string, unknown>;

/** Checked inputs, as the engine hands them to diff. */
async function checked(p: DynamicProvider, inputs: Props): Promise<Props> {
  const r = await p.check({}, inputs);
  if (r.failures.length) throw new Error(`fixture does not check: ${JSON.stringify(r.failures)}`);
  return r.inputs;
}

/** diff(old state, new inputs); the old state carries outputs as well, as Pulumi's does. */
async function diff(p: DynamicProvider, olds: Props, news: Props, outs: Props = {}) {
  return p.diff("id", { ...(await checked(p, olds)), ...outs }, await checked(p, news));
}

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };

const ns = (over: Props = {}) => ({ connection: conn(), name: "ns1", ...over });
const br = (over: Props = {}) => ({ connection: conn(), name: "br0", addresses: ["172.16.0.1/24"], ...over });
const veth = (over: Props = {}, peer: Props = {}) => ({ connection: conn(), name: "va", addresses: ["172.16.0.2/24"], peer: { name: "vb", namespace: "ns1", ...peer }, ...over });
const route = (over: Props = {}) => ({ connection: conn(), destination: "172.16.1.0/24", via: "10.0.0.1", ...over });
const nat = (over: Props = {}) => ({ connection: conn(), source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE", comment: "nat-a", ...over });
const sysctl = (over: Props = {}) => ({ connection: conn(), key: "net.ipv4.ip_forward", value: "1", ...over });

const ALL: Array<[string, DynamicProvider, (o?: Props) => Props, Props]> = [
  ["NetNamespace", netNamespaceProvider, ns, { loopbackUp: true }],
  ["Bridge", bridgeProvider, br, { mac: "02:00:00:00:00:01" }],
  ["VethPair", vethPairProvider, veth, { mac: "02:00:00:00:00:02", peerMac: "02:00:00:00:00:03" }],
  ["Route", routeProvider, route, { actualDevice: "eth0" }],
  ["NatRule", natRuleProvider, nat, {}],
  ["Sysctl", sysctlProvider, sysctl, { previous: "0" }],
];

for (const [kind, p, make, outs] of ALL) {
  test(`${kind}: identical inputs (old state carrying outputs) → no changes`, async (t) => {
    t.deepEqual(await diff(p, make(), make(), outs), NO_CHANGE);
  });

  test(`${kind}: a different connection host → replaces connection, never delete-first`, async (t) => {
    t.deepEqual(await diff(p, make(), make({ connection: conn({ host: "192.0.2.11" }) }), outs), { changes: true, replaces: ["connection"], deleteBeforeReplace: false });
  });

  test(`${kind}: a rotated privateKey only → changes in place, no replacement`, async (t) => {
    const rotated = conn({ privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAB\n-----END OPENSSH PRIVATE KEY-----\n" });
    t.deepEqual(await diff(p, make(), make({ connection: rotated }), outs), { changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test(`${kind}: sudo, password or a host key pin added → in place`, async (t) => {
    for (const c of [{ sudo: true }, { password: "pw" }, { hostKey: "SHA256:" + "A".repeat(43) }, { dialErrorLimit: 3 }]) {
      t.deepEqual(await diff(p, make(), make({ connection: conn(c) }), outs), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(c));
    }
  });

  test(`${kind}: a connection that is still unknown → replaces connection`, async (t) => {
    const r = await p.diff("id", await checked(p, make()), { ...(await checked(p, make())), connection: UNKNOWN });
    t.deepEqual(r, { changes: true, replaces: ["connection"], deleteBeforeReplace: false });
  });

  // Regression test for a fixed bug (provider/resource.ts:49 WHERE includes "user", and :116 skips deleteBeforeReplace for connection replaces):
  // changing only connection.user (e.g. root → admin with sudo) on the same host:port plans a create-before-delete
  // replacement of the same kernel object; the create then refuses ("already exists and is not managed by this
  // resource"). The ID (resource.ts:56) does not include the user either. Expected: in place (or at least
  // deleteBeforeReplace: true).
  test(`${kind}: changing only connection.user on the same host does not plan a create-before-delete of the same object`, async (t) => {
    const r = await diff(p, make(), make({ connection: conn({ user: "admin", sudo: true }) }), outs);
    t.false(r.replaces.includes("connection") && !r.deleteBeforeReplace, JSON.stringify(r));
  });
}

test("NetNamespace: name change → replaces name, not delete-first (a new kernel name)", async (t) => {
  t.deepEqual(await diff(netNamespaceProvider, ns(), ns({ name: "ns2" })), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
});

test("NetNamespace: loopbackUp change → in place", async (t) => {
  t.deepEqual(await diff(netNamespaceProvider, ns(), ns({ loopbackUp: false })), { changes: true, replaces: [], deleteBeforeReplace: false });
});

test("Bridge: name change → replaces name, not delete-first", async (t) => {
  t.deepEqual(await diff(bridgeProvider, br(), br({ name: "br1" })), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
});

test("Bridge: addresses, mtu, up and stp change in place", async (t) => {
  for (const over of [{ addresses: ["172.16.0.1/24", "fd00::1/64"] }, { addresses: [] }, { mtu: 9000 }, { up: false }, { stp: true }]) {
    t.deepEqual(await diff(bridgeProvider, br(), br(over)), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify(over));
  }
});

test("Bridge: an address spelled differently but equal after check is no change", async (t) => {
  t.deepEqual(await diff(bridgeProvider, br({ addresses: ["fd00::1/64"] }), br({ addresses: ["FD00:0:0::1/64"] })), NO_CHANGE);
});

test("VethPair: peer.name change → replaces peer.name, delete-first only if a kernel name is reused", async (t) => {
  t.deepEqual(await diff(vethPairProvider, veth(), veth({}, { name: "vc" })), { changes: true, replaces: ["peer.name"], deleteBeforeReplace: true }); // "va" is reused
  t.deepEqual(await diff(vethPairProvider, veth(), veth({ name: "vx" }, { name: "vy" })), { changes: true, replaces: ["name", "peer.name"], deleteBeforeReplace: false });
});

test("VethPair: name change keeping the peer's name → delete first (the peer name is reused)", async (t) => {
  t.deepEqual(await diff(vethPairProvider, veth(), veth({ name: "vz" })), { changes: true, replaces: ["name"], deleteBeforeReplace: true });
});

test("VethPair: moving either end to another namespace replaces", async (t) => {
  t.deepEqual(await diff(vethPairProvider, veth(), veth({}, { namespace: "ns2" })), { changes: true, replaces: ["peer.namespace"], deleteBeforeReplace: true });
  t.deepEqual(await diff(vethPairProvider, veth(), veth({ namespace: "ns3" })), { changes: true, replaces: ["namespace"], deleteBeforeReplace: true });
});

test("VethPair: swapping the two ends' names → delete first", async (t) => {
  const r = await diff(vethPairProvider, veth({}, { namespace: undefined }), veth({ name: "vb" }, { name: "va", namespace: undefined }));
  t.deepEqual(r, { changes: true, replaces: ["name", "peer.name"], deleteBeforeReplace: true });
});

test("VethPair: addresses, bridge, mtu and up of either end change in place", async (t) => {
  for (const [over, peer] of [[{ addresses: [] }, {}], [{ bridge: "br0" }, {}], [{ mtu: 1400 }, {}], [{ up: false }, {}], [{}, { addresses: ["10.0.0.2/24"] }], [{}, { bridge: "br1" }]] as const) {
    t.deepEqual(await diff(vethPairProvider, veth(), veth(over, peer)), { changes: true, replaces: [], deleteBeforeReplace: false }, JSON.stringify([over, peer]));
  }
});

test("Route: via and device change in place; destination, namespace, metric and table replace", async (t) => {
  t.deepEqual(await diff(routeProvider, route(), route({ via: "10.0.0.2" })), { changes: true, replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await diff(routeProvider, route(), route({ device: "eth1" })), { changes: true, replaces: [], deleteBeforeReplace: false });
  for (const key of ["destination", "namespace", "metric", "table"] as const) {
    const value = { destination: "172.16.2.0/24", namespace: "ns1", metric: 50, table: 100 }[key];
    t.deepEqual(await diff(routeProvider, route(), route({ [key]: value })), { changes: true, replaces: [key], deleteBeforeReplace: false }, key);
  }
});

// Regression test for a fixed bug (provider/resources/route.ts:53-54, idOf/namesOf): an absent metric is encoded as "" and an absent table as
// "main", but the kernel stores an IPv4 route without a metric as metric 0 and the main table is table 254. So
// metric undefined → 0 (or table undefined → 254) is a replacement whose new route IS the old kernel route, yet
// deleteBeforeReplace is false: create runs first, `ip route add` hits "File exists" and the update fails with
// "a route ... already exists ... and is not managed by this resource". Expected: deleteBeforeReplace true
// (or no replacement).
test("Route: metric absent → 0, or table absent → 254 (the same kernel route) deletes first", async (t) => {
  t.true((await diff(routeProvider, route(), route({ metric: 0 }))).deleteBeforeReplace, "metric 0");
  t.true((await diff(routeProvider, route(), route({ table: 254 }))).deleteBeforeReplace, "table 254");
});

test("NatRule: any change replaces, never delete-first", async (t) => {
  const changes: Props[] = [
    { source: "172.16.9.0/24" }, { destination: "10.0.0.0/8" }, { outInterface: "eth1" }, { outInterface: undefined, notOutInterface: "br0" },
    { jump: "RETURN" }, { jump: "SNAT", toSource: "192.0.2.1" }, { namespace: "ns1" }, { comment: "nat-b" }, { chain: "masq-out" },
  ];
  for (const over of changes) {
    const r = await diff(natRuleProvider, nat(), nat(over));
    t.true(r.changes, JSON.stringify(over));
    t.deepEqual(new Set(r.replaces), new Set(Object.keys(over)), JSON.stringify(over));
    t.false(r.deleteBeforeReplace, JSON.stringify(over));
  }
});

test("Sysctl: value change in place; key or namespace change replaces", async (t) => {
  t.deepEqual(await diff(sysctlProvider, sysctl(), sysctl({ value: "0" }), { previous: "0" }), { changes: true, replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await diff(sysctlProvider, sysctl(), sysctl({ value: 1 }), { previous: "0" }), NO_CHANGE); // 1 and "1" are the same value
  t.deepEqual(await diff(sysctlProvider, sysctl(), sysctl({ key: "net.ipv6.conf.all.forwarding" })), { changes: true, replaces: ["key"], deleteBeforeReplace: false });
  t.deepEqual(await diff(sysctlProvider, sysctl(), sysctl({ namespace: "ns1" })), { changes: true, replaces: ["namespace"], deleteBeforeReplace: false });
});

test("an unknown input counts as a change; replaced if it is a replace-on input", async (t) => {
  const olds = await checked(bridgeProvider, br());
  t.deepEqual(await bridgeProvider.diff("id", olds, { ...olds, addresses: [UNKNOWN] }), { changes: true, replaces: [], deleteBeforeReplace: false });
  t.deepEqual(await bridgeProvider.diff("id", olds, { ...olds, name: UNKNOWN }), { changes: true, replaces: ["name"], deleteBeforeReplace: false });
});
