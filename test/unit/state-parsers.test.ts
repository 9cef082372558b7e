import test from "ava";
import { readFileSync } from "node:fs";
import { orderLike, parseLink } from "../../provider/state/link";
import { parseRoutes } from "../../provider/state/route";
import { addrShow } from "../../provider/ip/addr";
import { shellJoin } from "../../provider/ssh/quote";
import { sh } from "./support";

/** Run an `ip` command line as the pool does (sbin on PATH, C locale). */
const ipOut = (cmd: string) => {
  const r = sh(`export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" LC_ALL=C; ${cmd}`);
  if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.toString("utf8");
};
const hasIp = sh(`export PATH="$PATH:/usr/sbin:/sbin"; command -v ip`).code === 0;
const local = hasIp ? test : test.skip;

local("parseLink on this machine's `ip -json -details addr show dev lo` (the provider's addrShow)", (t) => {
  const lo = parseLink(ipOut(shellJoin(addrShow(undefined, "lo"))));
  if (!lo) return t.fail("no link parsed");
  t.is(lo.name, "lo");
  t.is(lo.mtu, Number(readFileSync("/sys/class/net/lo/mtu", "utf8")));
  t.is(lo.mac, readFileSync("/sys/class/net/lo/address", "utf8").trim());
  t.is(lo.up, (Number(readFileSync("/sys/class/net/lo/flags", "utf8")) & 1) === 1); // IFF_UP
  t.deepEqual(lo.addresses, []); // 127.0.0.1/8 and ::1/128 are host scope: the kernel's, not ours
  t.is(lo.kind, undefined);
  t.is(lo.master, undefined);
  t.is(lo.stp, undefined);
});

local("parseLink's addresses are exactly the global ones `ip -o addr show scope global` lists, for every local link", (t) => {
  const links = JSON.parse(ipOut("ip -json -details addr show")) as Array<{ ifname: string }>;
  t.true(links.length > 0);
  for (const l of links) {
    const parsed = parseLink(JSON.stringify([l]));
    const text = ipOut(`ip -o addr show dev ${shellJoin([l.ifname])} scope global`);
    const expected = [...text.matchAll(/\binet6? (\S+)/g)].map((m) => m[1]);
    t.is(parsed?.name, l.ifname);
    t.deepEqual(parsed?.addresses, expected, l.ifname);
  }
});

/** A bridge as iproute2 6.x prints it with -json -details (trimmed to the fields that matter plus some noise). */
const BRIDGE = JSON.stringify([{
  ifindex: 7, ifname: "br0", flags: ["BROADCAST", "MULTICAST", "UP"], mtu: 9000, qdisc: "noqueue", operstate: "DOWN", group: "default",
  link_type: "ether", address: "ee:2f:6b:aa:10:01", broadcast: "ff:ff:ff:ff:ff:ff", ifalias: "pulumi-netns",
  linkinfo: { info_kind: "bridge", info_data: { forward_delay: 1500, hello_time: 200, max_age: 2000, ageing_time: 30000, stp_state: 1, priority: 32768, vlan_filtering: 0 } },
  addr_info: [
    { family: "inet", local: "172.16.0.1", prefixlen: 24, broadcast: "172.16.0.255", scope: "global", label: "br0" },
    { family: "inet6", local: "fd00:1::1", prefixlen: 64, scope: "global", tentative: true },
    { family: "inet6", local: "fe80::ec2f:6bff:feaa:1001", prefixlen: 64, scope: "link" },
  ],
}]);

test("parseLink on a bridge: kind, alias, stp, mtu, mac, admin state and global addresses only", (t) => {
  t.deepEqual(parseLink(BRIDGE), {
    name: "br0", kind: "bridge", alias: "pulumi-netns", master: undefined, mtu: 9000, up: true, mac: "ee:2f:6b:aa:10:01",
    addresses: ["172.16.0.1/24", "fd00:1::1/64"], stp: true,
  });
});

test("parseLink: stp_state 0 is false; a link without flags is down; a veth port names its master", (t) => {
  const off = JSON.parse(BRIDGE);
  off[0].linkinfo.info_data.stp_state = 0;
  delete off[0].flags;
  t.like(parseLink(JSON.stringify(off)), { stp: false, up: false });
  const port = [{ ifname: "va", flags: ["BROADCAST", "UP", "LOWER_UP"], mtu: 1500, address: "02:00:00:00:00:0a", master: "br0", linkinfo: { info_kind: "veth", info_slave_kind: "bridge" } }];
  t.like(parseLink(JSON.stringify(port)), { name: "va", kind: "veth", master: "br0", stp: undefined, addresses: [], alias: undefined });
});

test("parseLink: no output or an empty list means the link is gone", (t) => {
  t.is(parseLink(""), undefined);
  t.is(parseLink("[]"), undefined);
  t.throws(() => parseLink("Device \"x\" does not exist."));
});

test("orderLike: declared order first, extras last, gone ones dropped", (t) => {
  t.deepEqual(orderLike(["c", "a", "b"], ["a", "b", "c"]), ["a", "b", "c"]);
  t.deepEqual(orderLike(["x", "b", "a"], ["a", "b"]), ["a", "b", "x"]);
  t.deepEqual(orderLike(["a"], ["a", "b"]), ["a"]);
  t.deepEqual(orderLike(["z", "y"]), ["z", "y"]);
  t.deepEqual(orderLike([], ["a"]), []);
});

test("parseRoutes: gateway, device, metric, and ownership by protocol 157", (t) => {
  const json = JSON.stringify([
    { dst: "172.16.1.0/24", gateway: "10.0.0.1", dev: "eth0", protocol: "157", metric: 50, flags: [] },
    { dst: "172.16.1.0/24", dev: "br0", protocol: "kernel", scope: "link", prefsrc: "172.16.1.1", flags: [] },
    { type: "unicast", dst: "default", gateway: "fd00::1", dev: "eth0", protocol: "static", metric: 1024, pref: "medium", flags: [] },
  ]);
  t.deepEqual(parseRoutes(json), [
    { destination: "172.16.1.0/24", via: "10.0.0.1", device: "eth0", metric: 50, owned: true },
    { destination: "172.16.1.0/24", via: undefined, device: "br0", metric: undefined, owned: false },
    { destination: "default", via: "fd00::1", device: "eth0", metric: 1024, owned: false },
  ]);
  t.deepEqual(parseRoutes(""), []);
  t.deepEqual(parseRoutes("[]"), []);
});

local("parseRoutes on this machine's `ip -json route show table local`: kernel routes, none owned", (t) => {
  const routes = parseRoutes(ipOut("ip -json route show table local"));
  t.true(routes.some((r) => r.destination === "127.0.0.0/8" && r.device === "lo"), JSON.stringify(routes));
  t.true(routes.every((r) => !r.owned));
});
