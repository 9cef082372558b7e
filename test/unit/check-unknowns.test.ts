import test from "ava";
import { bridgeProvider, natRuleProvider, netNamespaceProvider, routeProvider, sysctlProvider, vethPairProvider } from "../../provider/resources";
import { UNKNOWN } from "../../provider/validate/unknown";
import { conn, type Checker } from "./support";

/** A valid input set per resource; each key in turn is replaced by the preview-time unknown. */
const CASES: Array<[string, Checker, Record<string, unknown>]> = [
  ["NetNamespace", netNamespaceProvider, { connection: conn(), name: "ns1", loopbackUp: true }],
  ["Bridge", bridgeProvider, { connection: conn(), name: "br0", addresses: ["10.0.0.1/24"], mtu: 1500, up: true, stp: false }],
  ["VethPair", vethPairProvider, { connection: conn(), name: "a", namespace: "ns1", addresses: ["10.0.0.1/24"], bridge: "br0", mtu: 1500, up: true, peer: { name: "b", namespace: "ns2", addresses: [], bridge: "br1" } }],
  ["Route", routeProvider, { connection: conn(), destination: "172.16.1.0/24", via: "10.0.0.1", device: "eth0", namespace: "ns1", metric: 10, table: 100 }],
  ["NatRule", natRuleProvider, { connection: conn(), table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", destination: "10.0.0.0/8", outInterface: "eth0", jump: "MASQUERADE", namespace: "ns1", comment: "c" }],
  ["Sysctl", sysctlProvider, { connection: conn(), key: "net.ipv4.ip_forward", value: "1", namespace: "ns1" }],
];

for (const [kind, provider, valid] of CASES) {
  test(`${kind}: the valid base case passes`, async (t) => {
    t.deepEqual((await provider.check({}, valid)).failures, []);
  });

  test(`${kind}: an unknown in any input passes through unchanged with no failures`, async (t) => {
    for (const key of Object.keys(valid)) {
      const news = { ...valid, [key]: UNKNOWN };
      const r = await provider.check({}, news);
      t.deepEqual(r.failures, [], `${kind}.${key}`);
      t.is(r.inputs[key], UNKNOWN, `${kind}.${key}`);
    }
  });

  test(`${kind}: an unknown nested in the connection passes the whole connection through`, async (t) => {
    const connection = { ...conn(), host: UNKNOWN };
    const r = await provider.check({}, { ...valid, connection });
    t.deepEqual(r.failures, []);
    t.deepEqual(r.inputs.connection, connection); // not resolved: no defaults until it is known
  });

  test(`${kind}: known inputs next to an unknown are still validated`, async (t) => {
    const [first, second] = Object.keys(valid).filter((k) => k !== "connection");
    const r = await provider.check({}, { ...valid, [first]: UNKNOWN, [second]: { not: "valid" } });
    t.deepEqual(r.failures.map((f) => f.property.split(".")[0]), [second]);
  });
}

test("cross-field rules wait until every input is known", async (t) => {
  // Would fail "via or device" and "same name" if the unknown were taken as absent.
  t.deepEqual((await routeProvider.check({}, { connection: conn(), destination: UNKNOWN })).failures, []);
  t.deepEqual((await natRuleProvider.check({}, { connection: conn(), jump: "SNAT", comment: UNKNOWN })).failures, []);
  t.deepEqual((await vethPairProvider.check({}, { connection: conn(), name: "v0", peer: { name: "v0", namespace: UNKNOWN } })).failures, []);
  // ...and apply once it is.
  t.not((await routeProvider.check({}, { connection: conn(), destination: "10.0.0.0/8" })).failures.length, 0);
});

test("an unknown element inside a list passes through", async (t) => {
  const r = await bridgeProvider.check({}, { connection: conn(), name: "br0", addresses: ["10.0.0.1/24", UNKNOWN] });
  t.deepEqual(r.failures, []);
  t.deepEqual(r.inputs.addresses, ["10.0.0.1/24", UNKNOWN]);
});
