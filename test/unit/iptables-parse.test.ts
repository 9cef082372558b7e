import test from "ava";
import { parseRuleLine, splitRuleLine } from "../../provider/iptables/parse";
import { iptablesAppend, iptablesCheck, iptablesDelete, iptablesList, ruleArgs, type RuleSpec } from "../../provider/iptables/rule";

test("splitRuleLine honours double quotes and backslash escapes", (t) => {
  t.deepEqual(splitRuleLine(`-A X -m comment --comment "two words" -j RETURN`), ["-A", "X", "-m", "comment", "--comment", "two words", "-j", "RETURN"]);
  t.deepEqual(splitRuleLine(`--comment "say \\"hi\\" \\\\ ok"`), ["--comment", `say "hi" \\ ok`]);
  t.deepEqual(splitRuleLine("  -A   X\t-j  RETURN  "), ["-A", "X", "-j", "RETURN"]);
  t.deepEqual(splitRuleLine(""), []);
});

test("parseRuleLine: MASQUERADE with source, out interface and our comment", (t) => {
  const r = parseRuleLine("nat", `-A POSTROUTING -s 172.16.0.0/24 -o eth0 -m comment --comment "pulumi-netns:nat-a" -j MASQUERADE`);
  t.deepEqual(r, { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", outInterface: "eth0", comment: "pulumi-netns:nat-a", jump: "MASQUERADE" });
});

test("parseRuleLine: a negated out interface is notOutInterface, not outInterface", (t) => {
  const r = parseRuleLine("nat", `-A POSTROUTING -s 10.0.0.0/8 ! -o br0 -m comment --comment "c1" -j MASQUERADE`);
  t.is(r?.notOutInterface, "br0");
  t.is(r?.outInterface, undefined);
  t.is(r?.source, "10.0.0.0/8");
});

test("parseRuleLine: SNAT with --to-source and a destination", (t) => {
  const r = parseRuleLine("nat", `-A POSTROUTING -s 172.16.0.0/24 -d 198.51.100.0/24 -o eth0 -m comment --comment "snat-1" -j SNAT --to-source 192.0.2.1`);
  t.deepEqual(r, {
    table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", destination: "198.51.100.0/24", outInterface: "eth0", comment: "snat-1", jump: "SNAT", toSource: "192.0.2.1",
  });
});

test("parseRuleLine: an unquoted comment (older iptables) and matches we do not manage", (t) => {
  const r = parseRuleLine("nat", "-A POSTROUTING -p tcp -m tcp --dport 80 -m comment --comment plain -j RETURN");
  t.like(r, { chain: "POSTROUTING", comment: "plain", jump: "RETURN" });
  t.is(r?.source, undefined);
});

test("parseRuleLine: policy, chain and empty lines are not rules", (t) => {
  for (const line of ["-P POSTROUTING ACCEPT", "-N masq-out", "", "   ", "-A", "# comment"]) t.is(parseRuleLine("nat", line), undefined, JSON.stringify(line));
});

test("parseRuleLine: a rule without our comment has no comment", (t) => {
  t.is(parseRuleLine("nat", "-A POSTROUTING -o eth0 -j MASQUERADE")?.comment, undefined);
});

/** How `iptables -S` prints a rule: -A CHAIN, then the args, with the comment in double quotes. */
function printed(r: RuleSpec, comment: string): string {
  return ["-A", r.chain, ...ruleArgs(r, comment).map((w, i, all) => (all[i - 1] === "--comment" ? `"${w}"` : w))].join(" ");
}

test("round trip: ruleArgs → iptables -S form → parseRuleLine gives back the spec and comment", (t) => {
  const specs: RuleSpec[] = [
    { table: "nat", chain: "POSTROUTING", jump: "MASQUERADE" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", outInterface: "eth0", jump: "MASQUERADE" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", notOutInterface: "br0", jump: "MASQUERADE" },
    { table: "nat", chain: "masq-out", source: "10.0.0.0/8", destination: "10.0.0.0/8", jump: "RETURN" },
    { table: "nat", chain: "POSTROUTING", source: "172.16.0.0/24", destination: "198.51.100.7/32", outInterface: "eth0.100", jump: "SNAT", toSource: "192.0.2.1" },
  ];
  for (const spec of specs) {
    const comment = "pulumi-netns:stack/rule@1=+";
    t.deepEqual(parseRuleLine(spec.table, printed(spec, comment)), { ...spec, comment }, printed(spec, comment));
  }
});

test("ruleArgs puts matches before the comment and target options after -j, as iptables -S prints them", (t) => {
  const spec: RuleSpec = { table: "nat", chain: "POSTROUTING", source: "s", destination: "d", notOutInterface: "o", jump: "SNAT", toSource: "ts" };
  t.deepEqual(ruleArgs(spec, "c"), ["-s", "s", "-d", "d", "!", "-o", "o", "-m", "comment", "--comment", "c", "-j", "SNAT", "--to-source", "ts"]);
  t.deepEqual(ruleArgs(spec), ["-s", "s", "-d", "d", "!", "-o", "o", "-j", "SNAT", "--to-source", "ts"]);
});

test("iptables command builders: -w, table, chain, and ip netns exec for a namespace", (t) => {
  const spec: RuleSpec = { table: "nat", chain: "POSTROUTING", outInterface: "eth0", jump: "MASQUERADE" };
  t.deepEqual(iptablesAppend(undefined, spec, "c"), ["iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-m", "comment", "--comment", "c", "-j", "MASQUERADE"]);
  t.deepEqual(iptablesCheck("ns1", spec), ["ip", "netns", "exec", "ns1", "iptables", "-w", "-t", "nat", "-C", "POSTROUTING", "-o", "eth0", "-j", "MASQUERADE"]);
  t.deepEqual(iptablesDelete(undefined, spec, "c").slice(0, 6), ["iptables", "-w", "-t", "nat", "-D", "POSTROUTING"]);
  t.deepEqual(iptablesList("ns1", "nat", "POSTROUTING"), ["ip", "netns", "exec", "ns1", "iptables", "-w", "-t", "nat", "-S", "POSTROUTING"]);
});
