import test from "ava";
import * as fs from "node:fs";
import * as path from "node:path";
import { graphOf, renderGraph } from "../../provider/graph";

/**
 * VXLAN overlays, from fixtures recorded from real runs of a `vxlan` Cluster
 * (test/graph/cluster-fixtures.e2e.test.ts, lab g12b): two nodes as they stand, and the
 * preview of a third joining.
 */
const DIR = path.resolve(__dirname, "..", "..", "..", "test", "graph", "fixtures");
const read = (name: string) => fs.readFileSync(path.join(DIR, `${name}.json`), "utf8");
const [A, B, C] = ["10.250.82.11", "10.250.82.12", "10.250.82.13"];
const links = (g: ReturnType<typeof graphOf>) => g.links.filter((l) => l.kind === "overlay").map((l) => `${l.from} ${l.to} ${l.change}`).sort();

test("the export: one tunnel each way, the VXLAN device on the bridge, one Mermaid edge", (t) => {
  const g = graphOf(read("cluster-vxlan-export"));
  t.deepEqual(g.hosts.map((h) => `${h.titles.join(" ")} ${h.address}`), [`c-n1 ${A}`, `c-n2 ${B}`], "hosts named by their NodeNetwork, not by the Cluster that spans them");
  t.deepEqual(links(g), [`${A} ${B} same`, `${B} ${A} same`]);
  t.deepEqual(g.hosts[0].bridges[0].ports.map((p) => p.text), [`vxlan vxlan42 vni 42 local ${A} dev eth0 peers ${B}`]);
  const svg = renderGraph(g, "svg");
  t.regex(svg, /class="overlay c-same"/);
  t.true(svg.includes(">vxlan vni 42<"));
  const mmd = renderGraph(g, "mermaid");
  t.is(mmd.match(/-\.-\|/g)?.length, 1, "a tunnel is one undirected edge");
});

test("a node joins: its host is found from its tunnel's local address and drawn added; new tunnels added, the old one kept", (t) => {
  const g = graphOf(read("cluster-vxlan-grow"));
  t.false(g.partial);
  t.deepEqual(g.hosts.map((h) => `${h.titles.join(" ")} ${h.address} ${h.change}`), [`c-n1 ${A} same`, `c-n2 ${B} same`, `c-n3 ${C} added`],
    "the new node's connection is a secret, yet its resources land on one host");
  t.deepEqual(g.hosts[2].namespaces.map((n) => `${n.name} ${n.change}`), ["NS1 added", "NS2 added"]);
  t.deepEqual(links(g), [`${A} ${B} same`, `${A} ${C} added`, `${B} ${A} same`, `${B} ${C} added`, `${C} ${A} added`, `${C} ${B} added`],
    "per peer: a tunnel that gains a peer keeps its old link");
  t.deepEqual(g.hosts[0].bridges[0].ports, [{ text: `vxlan vxlan42 vni 42 local ${A} dev eth0 peers ${B}, ${C}`, change: "changed", old: `vxlan vxlan42 vni 42 local ${A} dev eth0 peers ${B}` }]);
  const svg = renderGraph(g, "svg");
  t.true(svg.includes(`~ vxlan vxlan42 vni 42 local ${A} dev eth0 peers ${B} -&gt; ${B}, ${C}`));
  t.regex(svg, /<polyline class="overlay c-added"/, "the new host's drop to the overlay is drawn as added (dashed)");
  t.regex(svg, /<text class="overlay-label c-changed"[^>]*>~ vxlan vni 42</, "the overlay itself changes: it gains a member");
  const mmd = renderGraph(g, "mermaid");
  t.deepEqual(mmd.match(/ -\.-\|"[^"]*"\| h\d/g)?.map((e) => e.split("|")[1]).sort(), ["\"+ vxlan vni 42\"", "\"+ vxlan vni 42\"", "\"vxlan vni 42\""]);
  t.regex(mmd, /class [^\n]*h0_b0[^\n]* changed/, "Mermaid: a bridge whose tunnel changes is classed changed");
});
