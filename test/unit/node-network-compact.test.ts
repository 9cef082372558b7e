/**
 * What NodeNetwork and Cluster register per namespace (issue 14): by default one BridgedNamespace
 * (compact); with `compact: false` a NetNamespace, a VethPair and a default Route, as before.
 * Through Pulumi's mocks: registration only, no host.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";

const registered: Array<{ type: string; name: string }> = [];
pulumi.runtime.setMocks({
  newResource: (a) => {
    registered.push({ type: a.type, name: a.name });
    return { id: `${a.name}-id`, state: a.inputs };
  },
  call: (a) => a.inputs,
}, "project", "stack", true);

// Loaded after setMocks, as Pulumi's mocks require.
const { Cluster, NodeNetwork } = require("../../sdk") as typeof import("../../sdk");

const connection = { host: "192.0.2.10" };
const namespaces = [{ name: "NS1", address: "172.16.0.2" }, { name: "NS2", address: "172.16.0.3" }];

/** Every resource under `root`, once all of them are registered (the SDK keeps a parent's children). */
async function tree(root: pulumi.Resource): Promise<string[]> {
  const all: pulumi.Resource[] = [];
  const walk = (r: pulumi.Resource) => {
    for (const c of (r as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources ?? []) {
      all.push(c);
      walk(c);
    }
  };
  walk(root);
  const urns = await new Promise<string[]>((done) => pulumi.all(all.map((r) => r.urn)).apply(done));
  const names = new Set(urns.map((u) => u.split("::").pop()!));
  return registered.filter((r) => names.has(r.name)).map((r) => `${r.type.split(":").pop()} ${r.name}`).sort();
}

/** The kinds registered for each namespace's resources (the ones named after it). */
const perNamespace = (rows: string[], ns: string) => rows.filter((r) => new RegExp(`-${ns}(-|$)`).test(r)).map((r) => r.split(" ")[0]);

test("NodeNetwork by default: one BridgedNamespace per namespace, no NetNamespace, VethPair or namespace Route", async (t) => {
  const rows = await tree(new NodeNetwork("dflt", { connection, subnet: "172.16.0.0/24", namespaces }));
  t.deepEqual(perNamespace(rows, "NS1"), ["BridgedNamespace"], rows.join("\n"));
  t.deepEqual(perNamespace(rows, "NS2"), ["BridgedNamespace"], rows.join("\n"));
  t.false(rows.some((r) => /^(NetNamespace|VethPair|Route) /.test(r)), rows.join("\n"));
});

test("NodeNetwork({ compact: false }): a NetNamespace, a VethPair and a default Route per namespace", async (t) => {
  const rows = await tree(new NodeNetwork("exp", { connection, subnet: "172.16.0.0/24", namespaces, compact: false }));
  t.deepEqual(perNamespace(rows, "NS1"), ["NetNamespace", "Route", "VethPair"], rows.join("\n"));
  t.deepEqual(perNamespace(rows, "NS2"), ["NetNamespace", "Route", "VethPair"], rows.join("\n"));
  t.false(rows.some((r) => r.startsWith("BridgedNamespace ")), rows.join("\n"));
});

test("Cluster passes compact through: BridgedNamespaces by default, the expanded resources with compact: false", async (t) => {
  const nodes = (tag: string) => [0, 1].map((k) => ({
    name: `${tag}${k}`, lanIp: `192.0.2.${20 + k}`, subnet: `172.16.${k}.0/24`, connection: { host: `192.0.2.${20 + k}` },
    namespaces: [{ name: "NS1", address: `172.16.${k}.2` }],
  }));
  const byDefault = await tree(new Cluster("cd", { nodes: nodes("d") }));
  t.deepEqual(byDefault.filter((r) => r.includes("-NS1")).map((r) => r.split(" ")[0]), ["BridgedNamespace", "BridgedNamespace"], byDefault.join("\n"));
  const expanded = await tree(new Cluster("ce", { nodes: nodes("e"), compact: false }));
  t.deepEqual(expanded.filter((r) => r.includes("-NS1")).map((r) => r.split(" ")[0]), ["NetNamespace", "NetNamespace", "Route", "Route", "VethPair", "VethPair"], expanded.join("\n"));
});
