import test from "ava";
import { checkClusterArgs } from "../../sdk/components/clusterPlan";
import type { ClusterArgs, ClusterNode } from "../../sdk/components/cluster";
import { firstHost } from "../../sdk/components/subnets";
import { NodeNetwork, type NodeNetworkArgs } from "../../sdk/components/nodeNetwork";

const node = (k: number, over: Partial<ClusterNode> = {}): ClusterNode => ({
  name: `n${k}`, connection: { host: `10.0.0.${k}` }, lanIp: `10.0.0.${k}`, subnet: `172.16.${k}.0/24`,
  namespaces: [{ name: "NS1", address: `172.16.${k}.2` }], ...over,
});
const routes = (over: Partial<ClusterArgs> = {}): ClusterArgs => ({ nodes: [node(1), node(2), node(3)], ...over });
const vx = (over: Partial<ClusterArgs> = {}): ClusterArgs => ({
  mode: "vxlan", subnet: "172.16.0.0/24",
  nodes: [1, 2, 3].map((k) => node(k, { subnet: undefined, namespaces: [{ name: "NS1", address: `172.16.0.${10 + k}` }] })), ...over,
});

test("Cluster plan: routes with own subnets or shares of one; vxlan on one overlay", (t) => {
  t.deepEqual(checkClusterArgs("c", routes()).map((p) => p.subnet), ["172.16.1.0/24", "172.16.2.0/24", "172.16.3.0/24"]);
  const shares = checkClusterArgs("c", routes({ subnet: "172.16.0.0/16", nodes: [1, 2].map((k) => node(k, { subnet: undefined, namespaces: [{ name: "a", address: `172.16.${k - 1}.2` }] })) }));
  t.deepEqual(shares.map((p) => p.subnet), ["172.16.0.0/24", "172.16.1.0/24"]);
  t.deepEqual(checkClusterArgs("c", vx()), [1, 2, 3].map((k) => ({ subnet: "172.16.0.0/24", bridgeAddress: `172.16.0.${k}`, mtu: 1450 })));
});

test("Cluster plan: bad input throws naming the argument", (t) => {
  const bad = (a: ClusterArgs, re: RegExp) => t.throws(() => checkClusterArgs("c", a), { message: re });
  bad(vx({ vni: 0 }), /Cluster c: vni: 0 is not a VXLAN network identifier \(1-16777215\)/);
  bad(vx({ vni: 16777216 }), /vni:/);
  bad(vx({ port: 70000 }), /port: 70000 is not a UDP port/);
  bad(vx({ port: 0 }), /port:/);
  bad(routes({ nodes: [node(1), node(2, { subnet: "172.16.1.0/24" })] }), /nodes\[1\]\.subnet: 172\.16\.1\.0\/24 is the same as node n1's/);
  bad(routes({ nodes: [node(1, { subnet: "172.16.0.0/16" }), node(2)] }), /nodes\[1\]\.subnet: 172\.16\.2\.0\/24 overlaps node n1's 172\.16\.0\.0\/16/);
  bad(routes({ nodes: [node(1, { namespaces: [{ name: "NS1", address: "172.16.9.2" }] })] }), /nodes\[0\]\.namespaces\[0\]\.address: 172\.16\.9\.2 is outside the subnet 172\.16\.1\.0\/24/);
  bad(vx({ nodes: [node(1, { subnet: undefined, namespaces: [{ name: "a", address: "10.1.1.1" }] })] }), /namespaces\[0\]\.address: .*outside/);
  bad(routes({ nodes: [node(1), node(2, { lanIp: "10.0.0.1" })] }), /nodes\[1\]\.lanIp: 10\.0\.0\.1 is also node n1's LAN IP/);
  bad(routes({ nodes: [node(1), node(1)] }), /nodes\[1\]\.name: n1 is used by two nodes/);
  bad(routes({ nodes: [node(1, { subnet: "172.16.1.5/24" })] }), /host bits/);
  bad(routes({ nodes: [node(1, { namespaces: [{ name: "a", address: "172.16.1.1" }] })] }), /bridge\) is also namespace n1\/a's address/);
  bad(vx({ subnet: undefined }), /subnet: vxlan mode needs the overlay subnet/);
  bad(vx({ nodes: [node(1, { subnet: undefined, namespaces: [{ name: "a", address: "172.16.0.2" }] }), node(2, { subnet: undefined, namespaces: [{ name: "a", address: "172.16.0.2" }] })] }), /already n1\/a's address/);
  bad(routes({ mode: "bgp" as "routes" }), /mode: must be "routes" or "vxlan"/);
  bad(routes({ nodes: [] }), /nodes: give at least one node/);
});

test("firstHost: the gateway is the subnet's first host, IPv6 included", (t) => {
  t.is(firstHost("172.16.4.0/24", "s").gateway, "172.16.4.1");
  t.is(firstHost("10.0.0.0/8", "s").gateway, "10.0.0.1");
  t.is(firstHost("fd00:1::/64", "s").gateway, "fd00:1::1");
  t.throws(() => firstHost("172.16.0.0/31", "s"), { message: /too small/ });
  t.throws(() => firstHost("bogus", "NodeNetwork x: subnet"), { message: /^NodeNetwork x: subnet: "bogus" is not a network/ });
});

test("NodeNetwork: bad subnet, addresses and self-peering throw from the constructor, before registering", (t) => {
  const nn = (over: Partial<NodeNetworkArgs>) => () => new NodeNetwork("x", { connection: { host: "10.0.0.1" }, subnet: "172.16.0.0/24", namespaces: [{ name: "NS1", address: "172.16.0.2" }], ...over });
  t.throws(nn({ subnet: "172.16.0.5/24" }), { message: /^NodeNetwork x: subnet: 172\.16\.0\.5\/24 has host bits set; use the network address 172\.16\.0\.0\/24/ });
  t.throws(nn({ subnet: "172.16.0.0" }), { message: /subnet: "172\.16\.0\.0" is not a network in CIDR form/ });
  t.throws(nn({ namespaces: [{ name: "NS1", address: "172.16.1.2" }] }), { message: /namespaces\[0\]\.address: 172\.16\.1\.2 is outside the subnet/ });
  t.throws(nn({ namespaces: [{ name: "NS1", address: "172.16.0.1" }] }), { message: /namespaces\[0\]\.address 172\.16\.0\.1 is the bridge's address/ });
  t.throws(nn({ peers: [{ subnet: "172.16.0.0/24", via: "10.0.0.2" }] }), { message: /peers\[0\]\.subnet .* own subnet/ });
  t.throws(nn({ subnet: "fd00::/64", namespaces: [] }), { message: /IPv6.*masquerade: false and allowForwarding: false/ });
});
