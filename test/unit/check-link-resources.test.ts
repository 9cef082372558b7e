import test from "ava";
import { bridgeProvider, netNamespaceProvider, vethPairProvider } from "../../provider/resources";
import { conn, storedConn } from "./support";
import { accepts, rejects } from "./check-helpers";

// NetNamespace

test("NetNamespace: valid inputs pass with loopbackUp filled (connection defaults left out of state)", async (t) => {
  const inputs = await accepts(t, netNamespaceProvider, { connection: conn(), name: "NS1" });
  t.deepEqual(inputs, { connection: storedConn(), name: "NS1", loopbackUp: true });
});

test("NetNamespace: bad name and loopbackUp are rejected naming the property", async (t) => {
  for (const name of ["", ".", "..", "-n", "a/b", "a b", "ńs", "x".repeat(65), 7]) {
    await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn(), name }, "name");
  }
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn() }, "name");
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn(), name: "ns", loopbackUp: "yes" }, "loopbackUp");
});

test("every resource: connection errors carry the connection.* path", async (t) => {
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn({ port: 0 }), name: "ns" }, "connection.port", /1-65535/);
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn({ user: "a b" }), name: "ns" }, "connection.user");
  await rejects(t, bridgeProvider, "Bridge", { connection: conn({ privateKey: "~/.ssh/id_rsa" }), name: "br0" }, "connection.privateKey", /not a path/);
  await rejects(t, bridgeProvider, "Bridge", { connection: { host: "h" }, name: "br0" }, "connection.privateKey", /agentSocketPath/);
  await rejects(t, vethPairProvider, "VethPair", { name: "a", peer: { name: "b" } }, "connection");
});

test("every resource: an unknown property is rejected naming it; __provider is allowed", async (t) => {
  await rejects(t, netNamespaceProvider, "NetNamespace", { connection: conn(), name: "ns", nmae: "typo" }, "nmae", /unknown property; expected one of connection, owner, adopt, name, loopbackUp/);
  await accepts(t, netNamespaceProvider, { connection: conn(), name: "ns", __provider: "serialized-provider" });
});

// Bridge

test("Bridge: valid inputs pass with up and addresses defaults; addresses are canonicalised", async (t) => {
  t.deepEqual(await accepts(t, bridgeProvider, { connection: conn(), name: "br0" }), { connection: storedConn(), name: "br0", addresses: [], up: true });
  const full = await accepts(t, bridgeProvider, { connection: conn(), name: "br0", addresses: ["172.16.0.1/24", "FD00:0::1/64"], mtu: 9000, up: false, stp: true });
  t.deepEqual(full, { connection: storedConn(), name: "br0", addresses: ["172.16.0.1/24", "fd00::1/64"], mtu: 9000, up: false, stp: true });
});

test("Bridge: each bad input is rejected naming its property", async (t) => {
  const b = (over: Record<string, unknown>) => ({ connection: conn(), name: "br0", ...over });
  await rejects(t, bridgeProvider, "Bridge", b({ name: "bridge-name-too-long" }), "name", /at most 15/);
  await rejects(t, bridgeProvider, "Bridge", b({ name: "br 0" }), "name");
  await rejects(t, bridgeProvider, "Bridge", b({ mtu: 67 }), "mtu", /at least 68/);
  await rejects(t, bridgeProvider, "Bridge", b({ mtu: 70000 }), "mtu");
  await rejects(t, bridgeProvider, "Bridge", b({ up: "true" }), "up");
  await rejects(t, bridgeProvider, "Bridge", b({ stp: 1 }), "stp");
  await rejects(t, bridgeProvider, "Bridge", b({ addresses: "10.0.0.1/24" }), "addresses");
  await rejects(t, bridgeProvider, "Bridge", b({ addresses: ["10.0.0.1/24", "10.0.0.1/24"] }), "addresses", /must not repeat/);
  await rejects(t, bridgeProvider, "Bridge", b({ addresses: ["10.0.0.1/24", "10.0.0.300/24"] }), "addresses.1", /prefix length/);
});

// VethPair

test("VethPair: valid inputs pass with defaults filled on both ends", async (t) => {
  const inputs = await accepts(t, vethPairProvider, { connection: conn(), name: "veth-a", peer: { name: "veth-b", namespace: "ns1" } });
  t.deepEqual(inputs, {
    connection: storedConn(),
    name: "veth-a",
    addresses: [],
    up: true,
    peer: { name: "veth-b", namespace: "ns1", addresses: [] },
  });
});

test("VethPair: each bad input is rejected naming its (nested) property", async (t) => {
  const v = (over: Record<string, unknown>, peer: Record<string, unknown> = {}) => ({ connection: conn(), name: "a", peer: { name: "b", ...peer }, ...over });
  await rejects(t, vethPairProvider, "VethPair", v({ name: "-a" }), "name");
  await rejects(t, vethPairProvider, "VethPair", v({ namespace: ".." }), "namespace");
  await rejects(t, vethPairProvider, "VethPair", v({ bridge: "br/0" }), "bridge");
  await rejects(t, vethPairProvider, "VethPair", v({ addresses: ["10.0.0.1"] }), "addresses.0");
  await rejects(t, vethPairProvider, "VethPair", v({ mtu: 1.5 }), "mtu", /whole number/);
  await rejects(t, vethPairProvider, "VethPair", v({}, { name: "peer-name-is-too-long" }), "peer.name", /at most 15/);
  await rejects(t, vethPairProvider, "VethPair", v({}, { namespace: "a b" }), "peer.namespace");
  await rejects(t, vethPairProvider, "VethPair", v({}, { bridge: "" }), "peer.bridge");
  await rejects(t, vethPairProvider, "VethPair", v({}, { addresses: ["fd00::1/64", "FD00::1/64"] }), "peer.addresses", /must not repeat/);
  await rejects(t, vethPairProvider, "VethPair", { connection: conn(), name: "a" }, "peer");
});

test("VethPair: both ends with the same name in the same namespace are rejected on peer.name", async (t) => {
  await rejects(t, vethPairProvider, "VethPair", { connection: conn(), name: "v0", peer: { name: "v0" } }, "peer.name", /both ends are named v0 in the host namespace/);
  await rejects(t, vethPairProvider, "VethPair", { connection: conn(), name: "v0", namespace: "ns1", peer: { name: "v0", namespace: "ns1" } }, "peer.name", /namespace ns1/);
});

test("VethPair: the same name in different namespaces is fine", async (t) => {
  await accepts(t, vethPairProvider, { connection: conn(), name: "eth0", peer: { name: "eth0", namespace: "ns1" } });
  await accepts(t, vethPairProvider, { connection: conn(), name: "eth0", namespace: "ns1", peer: { name: "eth0", namespace: "ns2" } });
});
