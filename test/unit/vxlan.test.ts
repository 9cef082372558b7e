import test from "ava";
import { vxlanProvider } from "../../provider/resources";
import { bridgeFdbAppend, bridgeFdbDel, linkAddVxlan, parseFloodPeers } from "../../provider/ip/vxlan";
import { conn } from "./support";
import { accepts, rejects } from "./check-helpers";

const vx = (over: Record<string, unknown>) => ({ connection: conn(), name: "vxlan42", vni: 42, local: "10.250.50.11", device: "eth0", peers: ["10.250.51.12"], ...over });

test("Vxlan: defaults (port 4789, no peers) and canonical addresses", async (t) => {
  t.like(await accepts(t, vxlanProvider, vx({ peers: undefined })), { port: 4789, peers: [] });
  t.like(await accepts(t, vxlanProvider, vx({ local: "FD00::0:1", peers: ["fd00::2"], bridge: "br0", mtu: 1450 })), { local: "fd00::1", bridge: "br0", mtu: 1450 });
  await accepts(t, vxlanProvider, vx({ vni: 1 }));
  await accepts(t, vxlanProvider, vx({ vni: 16777215, port: 8472 }));
});

test("Vxlan: bad input is refused at check naming the property", async (t) => {
  const p = vxlanProvider;
  for (const vni of [0, 16777216, -1, 1.5, "42"]) await rejects(t, p, "Vxlan", vx({ vni }), "vni");
  for (const port of [0, 65536, 1.5]) await rejects(t, p, "Vxlan", vx({ port }), "port", /port/);
  await rejects(t, p, "Vxlan", vx({ peers: ["10.250.50.11"] }), "peers", /own address/);
  await rejects(t, p, "Vxlan", vx({ peers: ["10.250.51.12", "10.250.51.12"] }), "peers", /repeat/);
  await rejects(t, p, "Vxlan", vx({ peers: ["fd00::2"] }), "peers", /family/);
  await rejects(t, p, "Vxlan", vx({ peers: ["10.250.51.0/24"] }), "peers.0");
  await rejects(t, p, "Vxlan", vx({ local: "eth0" }), "local");
  await rejects(t, p, "Vxlan", vx({ name: "a-name-longer-than-15" }), "name");
  await rejects(t, p, "Vxlan", vx({ device: "eth 0" }), "device");
  await rejects(t, p, "Vxlan", vx({ mtu: 20 }), "mtu");
});

test("Vxlan: builders equal the documented commands", (t) => {
  t.deepEqual(linkAddVxlan(undefined, "vx0", { vni: 42, port: 4789, local: "10.0.0.1", device: "eth0", mtu: 1450 }),
    ["ip", "link", "add", "name", "vx0", "mtu", "1450", "type", "vxlan", "id", "42", "dstport", "4789", "local", "10.0.0.1", "dev", "eth0", "nolearning"]);
  t.deepEqual(bridgeFdbAppend(undefined, "vx0", "10.0.0.2"), ["bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", "10.0.0.2"]);
  t.deepEqual(bridgeFdbDel("ns1", "vx0", "10.0.0.2"), ["bridge", "-n", "ns1", "fdb", "del", "00:00:00:00:00:00", "dev", "vx0", "dst", "10.0.0.2"]);
  t.deepEqual(parseFloodPeers('[{"mac":"86:48:34:f6:11:e2","master":"br9"},{"mac":"00:00:00:00:00:00","dst":"10.9.9.2","flags":["self"]}]'), ["10.9.9.2"]);
  t.deepEqual(parseFloodPeers(""), []);
});
