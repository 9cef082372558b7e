import test from "ava";
import { splitRuleLine } from "../../provider/iptables/parse";
import { iptablesList, matchArgs, parseMatchLine, ruleAppend, ruleCheck, ruleDelete, type MatchSpec } from "../../provider/iptables/match";

test("splitRuleLine honours double quotes and backslash escapes", (t) => {
  t.deepEqual(splitRuleLine(`-A X -m comment --comment "two words" -j RETURN`), ["-A", "X", "-m", "comment", "--comment", "two words", "-j", "RETURN"]);
  t.deepEqual(splitRuleLine(`--comment "say \\"hi\\" \\\\ ok"`), ["--comment", `say "hi" \\ ok`]);
  t.deepEqual(splitRuleLine("  -A   X\t-j  RETURN  "), ["-A", "X", "-j", "RETURN"]);
  t.deepEqual(splitRuleLine(""), []);
});

test("parseMatchLine: MASQUERADE with source, out interface and our comment", (t) => {
  const r = parseMatchLine("nat", `-A POSTROUTING -s 172.16.0.0/24 -o eth0 -m comment --comment "pulumi-netns:nat-a" -j MASQUERADE`);
  t.deepEqual(r, { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", outInterface: "eth0", comment: "pulumi-netns:nat-a", jump: "MASQUERADE" });
});

test("parseMatchLine: a negated out interface is notOutInterface, not outInterface", (t) => {
  const r = parseMatchLine("nat", `-A POSTROUTING -s 10.0.0.0/8 ! -o br0 -m comment --comment "c1" -j MASQUERADE`);
  t.is(r?.notOutInterface, "br0");
  t.is(r?.outInterface, undefined);
  t.is(r?.source, "10.0.0.0/8");
});

test("parseMatchLine: SNAT with --to-source and a destination", (t) => {
  const r = parseMatchLine("nat", `-A POSTROUTING -s 172.16.0.0/24 -d 198.51.100.0/24 -o eth0 -m comment --comment "snat-1" -j SNAT --to-source 192.0.2.1`);
  t.deepEqual(r, {
    table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", destination: "198.51.100.0/24", outInterface: "eth0", comment: "snat-1", jump: "SNAT", toSource: "192.0.2.1",
  });
});

test("parseMatchLine: an unquoted comment (older iptables); protocol and port are read, -m NAME skipped", (t) => {
  const r = parseMatchLine("nat", "-A POSTROUTING -p tcp -m tcp --dport 80 -m comment --comment plain -j RETURN");
  t.like(r, { chain: "POSTROUTING", comment: "plain", jump: "RETURN", protocol: "tcp", destinationPort: 80 });
  t.is(r?.source, undefined);
});

test("parseMatchLine: policy, chain and empty lines are not rules", (t) => {
  for (const line of ["-P POSTROUTING ACCEPT", "-N masq-out", "", "   ", "-A", "# comment"]) t.is(parseMatchLine("nat", line), undefined, JSON.stringify(line));
});

test("parseMatchLine: a rule without our comment has no comment", (t) => {
  t.is(parseMatchLine("nat", "-A POSTROUTING -o eth0 -j MASQUERADE")?.comment, undefined);
});

/** How `iptables -S` prints a rule: -A CHAIN, then the args, with the comment in double quotes. */
function printed(r: MatchSpec, comment: string): string {
  return ["-A", r.chain, ...matchArgs(r, comment).map((w, i, all) => (all[i - 1] === "--comment" ? `"${w}"` : w))].join(" ");
}

test("round trip: matchArgs → iptables -S form → parseMatchLine gives back the spec and comment", (t) => {
  const specs: MatchSpec[] = [
    { table: "nat", chain: "POSTROUTING", jump: "MASQUERADE" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", notOutInterface: "br0", jump: "MASQUERADE" },
    { table: "nat", chain: "masq-out", source: "10.0.0.0/8", destination: "10.0.0.0/8", jump: "RETURN" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", destination: "198.51.100.7/32", outInterface: "eth0.100", jump: "SNAT", toSource: "192.0.2.1" },
  ];
  for (const spec of specs) {
    const comment = "pulumi-netns:stack/rule@1=+";
    t.deepEqual(parseMatchLine(spec.table, printed(spec, comment)), { ...spec, comment }, printed(spec, comment));
  }
});

test("matchArgs puts matches before the comment and target options after -j, as iptables -S prints them", (t) => {
  const spec: MatchSpec = { table: "nat", chain: "POSTROUTING", source: "s", destination: "d", notOutInterface: "o", jump: "SNAT", toSource: "ts" };
  t.deepEqual(matchArgs(spec, "c"), ["-s", "s", "-d", "d", "!", "-o", "o", "-m", "comment", "--comment", "c", "-j", "SNAT", "--to-source", "ts"]);
  t.deepEqual(matchArgs(spec), ["-s", "s", "-d", "d", "!", "-o", "o", "-j", "SNAT", "--to-source", "ts"]);
});

test("iptables command builders: -w, table, chain, and ip netns exec for a namespace", (t) => {
  const spec: MatchSpec = { table: "nat", chain: "POSTROUTING", outInterface: "eth0", jump: "MASQUERADE" };
  t.deepEqual(ruleAppend(undefined, spec, "c"), ["iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-m", "comment", "--comment", "c", "-j", "MASQUERADE"]);
  t.deepEqual(ruleCheck("ns1", spec), ["ip", "netns", "exec", "ns1", "iptables", "-w", "-t", "nat", "-C", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"]);
  t.deepEqual(ruleDelete(undefined, spec, "c").slice(0, 6), ["iptables", "-w", "-t", "nat", "-D", "POSTROUTING"]);
  t.deepEqual(iptablesList("ns1", "nat", "POSTROUTING"), ["ip", "netns", "exec", "ns1", "iptables", "-w", "-t", "nat", "-S", "POSTROUTING"]);
});
