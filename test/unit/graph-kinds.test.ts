import test from "ava";
import * as fs from "node:fs";
import * as path from "node:path";
import { graphOf, renderGraph } from "../../provider/graph";

/**
 * Kinds the demo stack does not use (VXLAN overlays, filter rules, BridgedNamespace) and
 * kinds this version does not know, added to the real export as copies of its resources
 * with another type and properties, the way their state will look.
 */
const EXPORT = path.resolve(__dirname, "..", "..", "..", "test", "graph", "fixtures", "export.json");
type R = { urn: string; type: string; id?: string; parent?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };

function withExtra(extra: Array<{ kind: string; name: string; host: string; id: string; props: Record<string, unknown> }>): string {
  const doc = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
  const rs = doc.deployment.resources as R[];
  const bridge = rs.find((r) => r.type.endsWith("netns:Bridge"))!;
  for (const e of extra) {
    const type = `pulumi-nodejs:dynamic/netns:${e.kind}`;
    rs.push({
      ...bridge, type, urn: bridge.urn.replace(/netns:Bridge::.*$/, `netns:${e.kind}::${e.name}`), id: `${e.host}:22/${e.id}`,
      inputs: { connection: bridge.inputs?.connection, __provider: "exports.handler = secretStuff;", ...e.props }, outputs: { connection: bridge.outputs?.connection, ...e.props },
    });
  }
  return JSON.stringify(doc);
}

const A = "10.250.80.11", B = "10.250.80.12";

test("VXLAN overlays join the hosts they peer with; filter rules are badges; unknown kinds are listed", (t) => {
  const g = graphOf(withExtra([
    { kind: "Vxlan", name: "a-vx", host: A, id: "link/vx42", props: { name: "vxlan42", vni: 42, local: A, device: "eth0", bridge: "br0", peers: [B], mtu: 1450, port: 4789 } },
    { kind: "Vxlan", name: "b-vx", host: B, id: "link/vx42", props: { name: "vxlan42", vni: 42, local: B, device: "eth0", bridge: "br0", peers: [A], mtu: 1450, port: 4789 } },
    { kind: "IptablesRule", name: "a-fwd", host: A, id: "iptables//filter/FORWARD/x", props: { table: "filter", chain: "FORWARD", matches: ["-i", "br0"], jump: "ACCEPT" } },
    { kind: "Frobnicator", name: "a-frob", host: A, id: "frob/1", props: { level: 3 } },
  ]));
  t.deepEqual(g.links.filter((l) => l.kind === "overlay").map((l) => `${l.from} ${l.to} ${l.label}`).sort(), [`${A} ${B} vxlan vni 42`, `${B} ${A} vxlan vni 42`]);
  const node1 = g.hosts.find((h) => h.address === A)!;
  t.deepEqual(node1.bridges[0].ports.map((p) => p.text), [`vxlan vxlan42 vni 42 local ${A} dev eth0 peers ${B}`]);
  t.true(node1.badges.some((b) => b.text === "rule filter/FORWARD -i br0 -j ACCEPT"));
  t.true(node1.others.some((o) => o.text === "Frobnicator a-frob"), "an unknown netns kind is listed by kind and name");
  const svg = renderGraph(g, "svg");
  t.regex(svg, /class="overlay c-same"/, "the overlay is drawn");
  t.true(svg.includes("vxlan vni 42"));
  t.false(svg.includes("secretStuff"));
  const mmd = renderGraph(g, "mermaid");
  t.true(mmd.includes(`h0 -.-|"vxlan vni 42"| h1`), "Mermaid: a dotted overlay edge");
});

test("a BridgedNamespace is a namespace with its address, uplink and default route", (t) => {
  const g = graphOf(withExtra([
    { kind: "BridgedNamespace", name: "a-web", host: A, id: "netns/web", props: { name: "web", bridge: "br0", address: "172.16.0.9/24", gateway: "172.16.0.1", hostVeth: "vethw0", nsVeth: "vethw1" } },
  ]));
  const web = g.hosts.find((h) => h.address === A)!.namespaces.find((n) => n.name === "web")!;
  t.deepEqual(web.ifaces.map((i) => i.text), ["vethw1 172.16.0.9/24"]);
  t.deepEqual(web.routes.map((i) => i.text), ["default via 172.16.0.1"]);
  t.deepEqual(web.uplink, { bridge: "br0", label: "vethw0 - vethw1", change: "same" });
});

const CHANGE = path.resolve(__dirname, "..", "..", "..", "test", "graph", "fixtures", "preview-change.json");
type Step = { op: string; urn: string; oldState?: R; newState?: R };
function changed(edit: (steps: Step[]) => void): string {
  const doc = JSON.parse(fs.readFileSync(CHANGE, "utf8"));
  edit(doc.steps);
  return JSON.stringify(doc);
}
const vethStep = (steps: Step[]) => steps.find((s) => s.urn.endsWith("::node2-NS1-veth"))!;

test("a replacement (replace, create-replacement, delete-replaced) is drawn once, marked +-", (t) => {
  const g = graphOf(changed((steps) => {
    const s = vethStep(steps);
    s.op = "create-replacement";
    steps.push({ ...s, op: "delete-replaced" }, { ...s, op: "replace" });
  }));
  const ns1 = g.hosts[1].namespaces.find((n) => n.name === "NS1")!;
  t.deepEqual(ns1.ifaces, [{ text: "veth11 172.16.1.9/24", change: "replaced" }]);
  t.is(ns1.uplink?.change, "replaced");
  t.is(g.changes.replaced, 1);
  const svg = renderGraph(g, "svg");
  t.true(svg.includes("+- veth11 172.16.1.9/24"));
  t.regex(svg, /<polyline class="veth c-replaced"/);
});

test("a veth change to nothing drawn (its mtu) marks its link changed", (t) => {
  const g = graphOf(changed((steps) => {
    const s = vethStep(steps);
    const peer = (s.oldState!.outputs as { peer: unknown }).peer;
    s.newState!.inputs = { ...s.newState!.inputs, peer, mtu: 1400 };
  }));
  const ns1 = g.hosts[1].namespaces.find((n) => n.name === "NS1")!;
  t.deepEqual(ns1.ifaces.map((i) => i.change), ["same"]);
  t.is(ns1.uplink?.change, "changed");
});
