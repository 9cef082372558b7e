import test from "ava";
import { isIP } from "node:net";
import {
  bigIntToIp, canonicalCidr, cidr, cidrContains, cidrList, cidrNetwork, ifName, ipAddress, ipFamily, ipToBigInt, mtu, netnsName, parseCidr,
} from "../../provider/validate/net";
import fc from "fast-check";
import { propertySeed } from "./support";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;
const message = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, v: unknown) =>
  schema.safeParse(v).error?.issues.map((i) => i.message).join(" | ") ?? "";

test("ifName: 1 to 15 characters of the safe alphabet", (t) => {
  for (const n of ["a", "eth0", "veth-a_1.100", "x".repeat(15), "A1", ".a", "a-"]) t.true(ok(ifName, n), n);
});

test("ifName: 16 characters is too long (IFNAMSIZ)", (t) => {
  t.regex(message(ifName, "x".repeat(16)), /at most 15/);
});

test("ifName: empty, '.', '..', leading '-', slash, space, colon and non-ASCII are rejected", (t) => {
  t.regex(message(ifName, ""), /empty/);
  t.regex(message(ifName, "."), /'\.' or '\.\.'/);
  t.regex(message(ifName, ".."), /'\.' or '\.\.'/);
  t.regex(message(ifName, "-x"), /start with '-'/);
  for (const n of ["a/b", "a b", "eth0:1", "ethé", "br🐧", "a\n", "$(id)", "a;b"]) t.regex(message(ifName, n), /may contain only/, n);
  t.false(ok(ifName, 5));
});

test("netnsName: up to 64 characters, same alphabet, no dot names or leading '-'", (t) => {
  t.true(ok(netnsName, "ns1"));
  t.true(ok(netnsName, "N".repeat(64)));
  t.regex(message(netnsName, "N".repeat(65)), /at most 64/);
  t.regex(message(netnsName, ""), /empty/);
  t.regex(message(netnsName, "."), /'\.' or '\.\.'/);
  t.regex(message(netnsName, ".."), /'\.' or '\.\.'/);
  t.regex(message(netnsName, "-n"), /start with '-'/);
  for (const n of ["../etc", "a/b", "a b", "nś", "a\tb"]) t.regex(message(netnsName, n), /may contain only/, n);
});

test("cidr: IPv4 prefixes 0-32, IPv6 prefixes 0-128", (t) => {
  for (let p = 0; p <= 32; p++) t.true(ok(cidr, `10.0.0.0/${p}`), `/${p}`);
  for (let p = 0; p <= 128; p += 8) t.true(ok(cidr, `fd00::/${p}`), `/${p}`);
  t.true(ok(cidr, "fd00::/128"));
  t.false(ok(cidr, "10.0.0.0/33"));
  t.false(ok(cidr, "fd00::/129"));
  t.false(ok(cidr, "fd00::/1000"));
});

test("cidr: malformed inputs are rejected", (t) => {
  for (const s of ["10.0.0.0", "10.0.0.0/", "/24", "10.0.0.256/24", "10.0.0/24", "10.0.0.0/-1", "10.0.0.0/ 24", " 10.0.0.0/24", "10.0.0.0/24\n", "fd00:::1/64", "example.com/24", "10.0.0.0/24/1"]) {
    t.false(ok(cidr, s), JSON.stringify(s));
  }
  t.regex(message(cidr, "10.0.0.0/33"), /prefix 0-32 for IPv4, 0-128 for IPv6/);
});

test("parseCidr reports family and prefix", (t) => {
  t.deepEqual(parseCidr("172.16.0.2/24"), { ip: "172.16.0.2", prefix: 24, family: 4 });
  t.deepEqual(parseCidr("fd00::2/64"), { ip: "fd00::2", prefix: 64, family: 6 });
  t.is(parseCidr("fd00::2"), undefined);
});

test("canonicalCidr writes IPv6 as ip prints it: lower case, zeros compressed (RFC 5952)", (t) => {
  t.is(canonicalCidr("2001:0DB8:0000:0000:0000:0000:0000:0001/64"), "2001:db8::1/64");
  t.is(canonicalCidr("FD00:0:0:1:0:0:0:1/64"), "fd00:0:0:1::1/64"); // the longer of two zero runs
  t.is(canonicalCidr("2001:db8:0:0:1:0:0:1/64"), "2001:db8::1:0:0:1/64"); // equal runs: the first one
  t.is(canonicalCidr("2001:db8:0:1:1:1:1:1/64"), "2001:db8:0:1:1:1:1:1/64"); // a single zero is not compressed
  t.is(canonicalCidr("0:0:0:0:0:0:0:0/0"), "::/0");
  t.is(canonicalCidr("0:0:0:0:0:0:0:1/128"), "::1/128");
  t.is(canonicalCidr("fe80:0:0:0:0:0:0:0/64"), "fe80::/64");
  t.is(canonicalCidr("172.16.0.2/24"), "172.16.0.2/24");
  t.is(canonicalCidr("not a cidr"), "not a cidr");
});

test("cidrList canonicalises, defaults to [] and rejects repeats after canonicalisation", (t) => {
  t.deepEqual(cidrList.parse(undefined), []);
  t.deepEqual(cidrList.parse(["FD00::1/64", "10.0.0.1/24"]), ["fd00::1/64", "10.0.0.1/24"]);
  t.regex(message(cidrList, ["fd00::1/64", "FD00:0::1/64"]), /must not repeat/);
  t.false(ok(cidrList, ["10.0.0.1"]));
});

test("cidrContains: inside, outside, edges, /0 and family mismatch", (t) => {
  t.true(cidrContains("10.0.0.0/8", "10.255.255.255"));
  t.true(cidrContains("10.0.0.0/8", "10.0.0.0"));
  t.false(cidrContains("10.0.0.0/8", "11.0.0.0"));
  t.false(cidrContains("10.0.0.0/8", "9.255.255.255"));
  t.true(cidrContains("172.16.0.7/24", "172.16.0.200")); // host bits of the network are ignored
  t.true(cidrContains("0.0.0.0/0", "203.0.113.9"));
  t.true(cidrContains("192.0.2.1/32", "192.0.2.1"));
  t.false(cidrContains("192.0.2.1/32", "192.0.2.2"));
  t.true(cidrContains("fd00::/64", "fd00::ffff:1"));
  t.false(cidrContains("fd00::/64", "fd00:0:0:1::1"));
  t.true(cidrContains("::/0", "2001:db8::1"));
  t.false(cidrContains("10.0.0.0/8", "::ffff:10.0.0.1"));
  t.false(cidrContains("::/0", "10.0.0.1"));
  t.false(cidrContains("garbage", "10.0.0.1"));
});

test("cidrNetwork clears host bits", (t) => {
  t.is(cidrNetwork("172.16.0.7/24"), "172.16.0.0/24");
  t.is(cidrNetwork("172.16.255.255/12"), "172.16.0.0/12");
  t.is(cidrNetwork("10.1.2.3/0"), "0.0.0.0/0");
  t.is(cidrNetwork("10.1.2.3/32"), "10.1.2.3/32");
  t.is(cidrNetwork("2001:db8:1:2::7/32"), "2001:db8::/32");
  t.is(cidrNetwork("fd00::1:2/112"), "fd00::1:0/112");
  t.is(cidrNetwork("fd00::1/128"), "fd00::1/128");
  t.is(cidrNetwork("fd00::1/0"), "::/0");
  t.is(cidrNetwork("nope"), undefined);
});

test("ipToBigInt of known addresses", (t) => {
  t.is(ipToBigInt("0.0.0.0"), 0n);
  t.is(ipToBigInt("255.255.255.255"), 0xffffffffn);
  t.is(ipToBigInt("10.0.0.1"), 0x0a000001n);
  t.is(ipToBigInt("::"), 0n);
  t.is(ipToBigInt("::1"), 1n);
  t.is(ipToBigInt("1::"), 1n << 112n);
  t.is(ipToBigInt("fd00::1:2"), (0xfd00n << 112n) | 0x10002n);
  t.is(ipToBigInt("::ffff:10.0.0.1"), (0xffffn << 32n) | 0x0a000001n);
  t.is(ipToBigInt("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), (1n << 128n) - 1n);
});

/** WHATWG's URL parser serialises IPv6 hosts with RFC 5952 compression: an independent oracle. */
const urlCanonical = (ip: string) => new URL(`http://[${ip}]/`).hostname.slice(1, -1);

const SEED = propertySeed();
const runs = (numRuns: number) => ({ seed: SEED, numRuns });
/** Zero-heavy hextets, so zero runs of every length and position occur. */
const hextet = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const hextets = fc.array(hextet, { minLength: 8, maxLength: 8 });
const v6 = hextets.map((h) => h.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n));
const v4 = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }).map((o) => o.join("."));

test("property: IPv6 bigint → text → bigint round trips and matches the URL parser's canonical text", (t) => {
  t.log(`seed ${SEED}`);
  fc.assert(fc.property(v6, (n) => {
    const text = bigIntToIp(n, 6);
    return isIP(text) === 6 && ipToBigInt(text) === n && urlCanonical(text) === text;
  }), runs(2000));
  t.pass();
});

test("property: IPv4 text → bigint → text round trips", (t) => {
  fc.assert(fc.property(v4, (ip) => bigIntToIp(ipToBigInt(ip), 4) === ip), runs(2000));
  t.is(bigIntToIp(0n, 4), "0.0.0.0");
  t.is(bigIntToIp(0xffffffffn, 4), "255.255.255.255");
});

test("property: non-canonical IPv6 spellings parse to the same number as the canonical one", (t) => {
  fc.assert(fc.property(hextets, (h) => {
    const long = h.map((x) => x.toString(16).padStart(4, "0").toUpperCase()).join(":");
    const n = h.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n);
    return ipToBigInt(long) === n && ipToBigInt(urlCanonical(long)) === n;
  }), runs(500));
  t.pass();
});

test("property: an address is inside its own network, for every prefix, IPv4 and IPv6", (t) => {
  const addr = fc.oneof(v4, v6.map((n) => bigIntToIp(n, 6)));
  fc.assert(fc.property(addr, fc.integer({ min: 0, max: 128 }), (ip, p) => {
    const prefix = ipFamily(ip) === 4 ? p % 33 : p;
    const net = cidrNetwork(`${ip}/${prefix}`);
    return net !== undefined && cidrContains(net, ip) && cidrNetwork(net) === net && canonicalCidr(net) === net;
  }), runs(1000));
  t.pass();
});

test("IPv6: mapped, embedded-IPv4 and zone-id forms", (t) => {
  t.is(canonicalCidr("::FFFF:10.0.0.1/128"), "::ffff:a00:1/128"); // as the URL parser and RFC 5952 hextets write it
  t.is(cidrNetwork("::ffff:10.0.0.1/120"), "::ffff:a00:0/120");
  t.true(cidrContains("::ffff:0:0/96", "::ffff:10.0.0.1"));
  t.false(cidrContains("::ffff:0:0/96", "10.0.0.1")); // families never mix
  t.false(ok(ipAddress, "fe80::1%eth0")); // a zone id means nothing in a route or address here
  t.false(ok(cidr, "fe80::1%eth0/64"));
  t.false(ok(ipAddress, "10.1")); // shorthand some parsers take; `ip` reads it differently
  t.false(ok(ipAddress, "0x0a.0.0.1"));
  t.throws(() => ipToBigInt("10.1"), { message: /not an IP address/ });
});

test("IPv6: network, containment and canonical text at the edges", (t) => {
  t.is(cidrNetwork("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/64"), "2001:db8:ffff:ffff::/64");
  t.is(cidrNetwork("2001:db8::1/127"), "2001:db8::/127");
  t.is(cidrNetwork("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1"), "8000::/1");
  t.true(cidrContains("2001:db8::/127", "2001:db8::1"));
  t.false(cidrContains("2001:db8::/127", "2001:db8::2"));
  t.true(cidrContains("fd00::1/128", "FD00:0:0:0:0:0:0:1"));
  t.is(bigIntToIp((1n << 128n) - 1n, 6), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  t.is(canonicalCidr("2001:DB8:0:0:0:0:2:1/64"), "2001:db8::2:1/64");
});

test("mtu: 68-65535 whole numbers", (t) => {
  t.true(ok(mtu, 68));
  t.true(ok(mtu, 1500));
  t.true(ok(mtu, 65535));
  t.regex(message(mtu, 67), /at least 68/);
  t.regex(message(mtu, 65536), /at most 65535/);
  t.regex(message(mtu, 1500.5), /whole number/);
});
