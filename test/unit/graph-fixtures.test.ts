import test from "ava";
import * as fs from "node:fs";
import * as path from "node:path";
import { graphOf, renderGraph, MAX_NAMESPACES } from "../../provider/graph";
import { grownExport } from "../graph/grow";

/**
 * The pictures of the fixtures recorded from real runs of the demo stack
 * (test/graph/fixtures.e2e.test.ts): what is drawn, how each change is marked, and that
 * nothing secret reaches the output.
 */
const DIR = path.resolve(__dirname, "..", "..", "..", "test", "graph", "fixtures");
const read = (name: string) => fs.readFileSync(path.join(DIR, `${name}.json`), "utf8");
const both = (name: string) => {
  const g = graphOf(read(name));
  return { g, svg: renderGraph(g, "svg"), mmd: renderGraph(g, "mermaid") };
};
/** XML-escaped as in the SVG; Mermaid uses #gt;. */
const inSvg = (svg: string, s: string) => svg.includes(s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
const inMmd = (mmd: string, s: string) => mmd.includes(s.replace(/>/g, "#gt;"));

const HOSTS = ["10.250.80.11", "10.250.80.12"];

test("the export: every host by address and name, bridge, namespace with its address, rules", (t) => {
  const { g, svg, mmd } = both("export");
  t.deepEqual(g.hosts.map((h) => h.address), HOSTS);
  t.deepEqual(g.hosts.map((h) => h.titles[0]), ["node1", "node2"]);
  const want = [
    "node1 · 10.250.80.11", "node2 · 10.250.80.12", "bridge br0", "172.16.0.1/24", "172.16.1.1/24",
    "netns NS1", "netns NS2", "veth11 172.16.0.2/24", "veth21 172.16.0.3/24", "veth11 172.16.1.2/24", "veth21 172.16.1.3/24",
    "default via 172.16.0.1 dev veth11", "on br0 via veth10 - veth11",
    "172.16.1.0/24 via 10.250.80.12 dev eth0", "NAT nat/POSTROUTING -s 172.16.0.0/24 -o eth0 -j MASQUERADE", "ip_forward=1",
  ];
  for (const s of want) t.true(inSvg(svg, s), `SVG shows ${s}`);
  for (const s of want.filter((x) => !x.startsWith("on br0"))) t.true(inMmd(mmd, s), `Mermaid shows ${s}`);
  t.true(inSvg(svg, "(to node2)"), "the peer route says which host it leads to");
  t.deepEqual(g.links.map((l) => `${l.from} -> ${l.to} ${l.label}`).sort(), ["10.250.80.11 -> 10.250.80.12 172.16.1.0/24", "10.250.80.12 -> 10.250.80.11 172.16.0.0/24"]);
  t.true(mmd.includes("h0 -->|\"route 172.16.1.0/24\"| h1"), "Mermaid draws the route between the hosts");
  t.false(/ c-(added|removed|changed|replaced)"/.test(svg.replace(/legend-\w+ c-\w+/g, "")), "an export marks no change");
});

test("the change: NS3 added, NS1's address changed, each with its marker, colour and line style", (t) => {
  const { g, svg, mmd } = both("preview-change");
  t.deepEqual(g.hosts.map((h) => h.address), HOSTS, "the whole network is drawn (the preview has --show-sames)");
  t.false(g.partial);
  const node2 = g.hosts[1];
  t.deepEqual(node2.namespaces.map((n) => [n.name, n.change]), [["NS1", "same"], ["NS2", "same"], ["NS3", "added"]]);
  t.deepEqual(node2.namespaces[0].ifaces, [{ text: "veth11 172.16.1.9/24", change: "changed", old: "veth11 172.16.1.2/24" }]);
  t.true(inSvg(svg, "+ netns NS3"), "added namespace: + marker");
  t.true(inSvg(svg, "+ veth31 172.16.1.4/24"));
  t.true(inSvg(svg, "~ veth11 172.16.1.2/24 -> 172.16.1.9/24"), "changed address: ~ marker, old -> new");
  t.regex(svg, /<rect class="ns c-added"/, "the added namespace's box is styled as added");
  t.regex(svg, /<polyline class="veth c-added"/, "its veth link is styled as added (dashed)");
  t.regex(svg, /<text class="iface c-changed"[^>]*>~ veth11/, "the changed address is styled as changed");
  t.regex(svg, /stroke-dasharray:7 3/, "added elements are dashed, so the change reads without colour");
  for (const w of ["+ added", "- removed", "~ changed", "+- replaced"]) t.true(svg.includes(w) && mmd.includes(w), `legend: ${w}`);
  t.true(inMmd(mmd, "+ netns NS3") && inMmd(mmd, "~ veth11 172.16.1.2/24 -> 172.16.1.9/24"));
  t.regex(mmd, /class [^\n]*h1_n2[^\n]* added/, "Mermaid: NS3 has the added class");
  t.regex(mmd, /linkStyle \d+ stroke:#1a7f37,stroke-width:2px,stroke-dasharray:7 3/, "Mermaid: the added veth link is dashed");
  t.regex(svg, /preview: 3 added, 1 changed/, "the heading counts the network's changes (probes are not drawn)");
});

test("the destroy preview: every host, bridge and namespace marked removed", (t) => {
  const { g, svg, mmd } = both("preview-destroy");
  t.deepEqual(g.hosts.map((h) => [h.address, h.change]), HOSTS.map((h) => [h, "removed"]));
  for (const h of g.hosts) {
    t.deepEqual(h.bridges.map((b) => b.change), ["removed"]);
    t.deepEqual(h.namespaces.map((n) => `${n.name} ${n.change}`), ["NS1 removed", "NS2 removed"]);
  }
  for (const s of ["- netns NS1", "- netns NS2", "- bridge br0", "- 172.16.0.1/24", "- ip_forward=1"]) {
    t.true(inSvg(svg, s) && inMmd(mmd, s), `shows ${s}`);
  }
  t.regex(svg, /text\.c-removed\{text-decoration:line-through\}/, "removed text is struck through");
});

test("a preview without --show-sames says it shows only the changed part", (t) => {
  const doc = JSON.parse(read("preview-change"));
  doc.steps = doc.steps.filter((s: { op: string; urn: string }) => s.op !== "same" || s.urn.includes("pulumi:pulumi:Stack"));
  const g = graphOf(JSON.stringify(doc));
  t.true(g.partial);
  t.true(renderGraph(g, "svg").includes("--show-sames"));
  t.true(renderGraph(g, "mermaid").includes("--show-sames"));
});

test("nothing secret or provider code reaches any output", (t) => {
  for (const name of ["export", "preview-change", "preview-destroy", "preview-create"]) {
    const text = read(name);
    const ciphertexts = [...text.matchAll(/"ciphertext":\s*"([^"]+)"/g)].map((m) => m[1]);
    if (name === "export") t.true(ciphertexts.length > 0, "the export holds encrypted secrets");
    const { svg, mmd } = both(name);
    for (const out of [svg, mmd]) {
      t.false(/PRIVATE KEY|BEGIN OPENSSH|password|passphrase/i.test(out), `${name}: no key or password`);
      t.false(/ciphertext|4dabf18193072939515e22adb298388d|__provider|exports\.handler/.test(out), `${name}: no secret envelope or provider code`);
      t.deepEqual(ciphertexts.filter((c) => out.includes(c.slice(0, 24))), [], `${name}: no ciphertext`);
      t.false(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(out), `${name}: no URL but the SVG namespace`);
    }
  }
});

test("docs/demo-network.svg is the tool's picture of the recorded demo stack", (t) => {
  const doc = fs.readFileSync(path.resolve(DIR, "..", "..", "..", "docs", "demo-network.svg"), "utf8");
  t.is(doc, renderGraph(graphOf(read("export")), "svg"), "regenerate: node dist/cli/pulumi-netns.js graph test/graph/fixtures/export.json -o docs/demo-network.svg");
});

test(`beyond ${MAX_NAMESPACES} namespaces on a host, the rest are collapsed and counted`, (t) => {
  const g = graphOf(grownExport(30, 0)); // node1: NS1, NS2 + 30
  const node1 = g.hosts.find((h) => h.address === "10.250.80.11")!;
  t.is(node1.namespaces.length, MAX_NAMESPACES - 1);
  t.is(node1.collapsed, 32 - (MAX_NAMESPACES - 1));
  const svg = renderGraph(g, "svg");
  t.true(svg.includes(`... ${node1.collapsed} more namespaces collapsed`));
  t.true(svg.includes(`${node1.collapsed} namespaces collapsed (more than 25 on a host): node1 ${node1.collapsed}`));
  t.true(renderGraph(g, "mermaid").includes(`... ${node1.collapsed} more namespaces collapsed`));
});

test("beyond 8 hosts, the rest are collapsed and counted", (t) => {
  const g = graphOf(grownExport(0, 9)); // 2 + 9 hosts
  t.is(g.hosts.length, 8);
  t.is(g.collapsedHosts, 3);
  t.true(renderGraph(g, "svg").includes("3 more hosts collapsed (more than 8 hosts)"));
  t.true(renderGraph(g, "mermaid").includes("... 3 more hosts collapsed"));
});
