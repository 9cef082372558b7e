import test from "ava";
import { graph, save } from "./record";
import { labDown, labUp } from "../../provider/lab";
import { engineBinDir, ok, type TestStack } from "../helpers/pulumi";
import { clusterStack, setCluster } from "../helpers/cluster";
import type { ClusterTestConfig } from "../e2e/cluster/config";

/**
 * Records the overlay fixtures from real runs: a `vxlan` Cluster (test/e2e/cluster) of two
 * nodes on its own lab "g12b" (index 82, three VMs) through the real engine, its `stack
 * export` after `up`, and the preview (--show-sames) of a third node joining (a new host and
 * tunnel; the two others' tunnels gain a peer in place). Saved like fixtures.e2e.test.ts does
 * (GRAPH_RECORD_FIXTURES=1: into test/graph/fixtures/), then rendered by the compiled CLI.
 * after.always destroys the stack and downs the lab.
 */
const LAB = "g12b";
const LAB_INDEX = 82;
const STACK = "graph-vxlan"; // fixed: it is part of every URN and rule comment in the fixtures
const addr = (vm: number) => `10.250.${LAB_INDEX}.${10 + vm}`;

const node = (k: number) => ({
  name: `n${k + 1}`, vm: k + 1,
  namespaces: [{ name: "NS1", address: `172.16.20.${10 * (k + 1) + 1}` }, { name: "NS2", address: `172.16.20.${10 * (k + 1) + 2}` }],
});
const config = (n: number): ClusterTestConfig =>
  // compact: false: the recorded fixtures hold the expanded resources (namespace, veth pair, route each).
  ({ lab: LAB, args: { mode: "vxlan", subnet: "172.16.20.0/24", vni: 42, compact: false }, nodes: Array.from({ length: n }, (_, k) => node(k)) });

let stack: TestStack | undefined;
const st = () => {
  if (!stack) throw new Error("the test stack was not created (see the before hook)");
  return stack;
};

test.before(async (t) => {
  await labDown(LAB).catch(() => undefined); // left over from a crashed run
  await labUp({ name: LAB, index: LAB_INDEX, nodes: 3 });
  stack = await clusterStack(STACK, await engineBinDir());
  t.log(`stack ${STACK} in ${st().workDir}`);
});

test.after.always(async (t) => {
  await stack?.removeLogged(t);
  await labDown(LAB);
});

test.serial("a VXLAN cluster's export and the preview of a node joining are recorded from real runs", async (t) => {
  await setCluster(st(), config(2));
  if (!ok(t, await st().run(["up", "--yes", "--skip-preview"]), "pulumi up (2 nodes)")) return;
  const exp = await st().run(["stack", "export"]);
  if (!ok(t, exp, "pulumi stack export")) return;
  await save("cluster-vxlan-export.json", exp.stdout);

  await setCluster(st(), config(3));
  const grow = await st().run(["preview", "--json", "--show-sames"]);
  if (!ok(t, grow, "pulumi preview --json (a third node)")) return;
  await save("cluster-vxlan-grow.json", grow.stdout);

  const now = graph("cluster-vxlan-export.json", "--mermaid");
  t.is(now.code, 0, now.stderr);
  t.true(now.stdout.includes(`h0 -.-|"vxlan vni 42"| h1`), "the overlay joins the two hosts");
  t.true(now.stdout.includes(`vxlan vxlan42 vni 42 local ${addr(1)} dev eth0 peers ${addr(2)}`), "node 1's tunnel and its peer");
  const planned = graph("cluster-vxlan-grow.json", "--mermaid");
  t.is(planned.code, 0, planned.stderr);
  t.true(planned.stdout.includes(`subgraph h2["+ c-n3 · ${addr(3)}"]`), "the joining host is drawn as added, by the address its tunnel names");
  t.true(planned.stdout.includes(`~ vxlan vxlan42 vni 42 local ${addr(1)} dev eth0 peers ${addr(2)} -#gt; ${addr(2)}, ${addr(3)}`), "node 1's tunnel gains a peer");
  t.true(planned.stdout.includes(`h0 -.-|"+ vxlan vni 42"| h2`) && planned.stdout.includes(`h1 -.-|"+ vxlan vni 42"| h2`), "the new tunnels are added");
  t.regex(planned.stdout, /h[01] -\.-\|"vxlan vni 42"\| h[01]/, "the tunnel between the first two stays as it is");
});
