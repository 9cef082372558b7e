/**
 * A bigger network made from the recorded demo export, for the limits (25 namespaces per
 * host, 8 hosts): copies of its real resources with other names and host addresses.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const EXPORT = path.resolve(__dirname, "..", "..", "..", "test", "graph", "fixtures", "export.json");
type R = { urn: string; type: string; id?: string; parent?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };

/** node1 gets `extraNs` more namespaces (each on a veth with an address); `extraHosts` copies of node2 are added. */
export function grownExport(extraNs: number, extraHosts: number): string {
  const doc = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
  const rs = doc.deployment.resources as R[];
  const on1 = (kind: string) => rs.find((r) => r.type.endsWith(`netns:${kind}`) && r.id?.startsWith("10.250.80.11:22/"))!;
  const ns = on1("NetNamespace"), veth = on1("VethPair");
  for (let i = 0; i < extraNs; i++) {
    const name = `X${i}`;
    rs.push({ ...ns, urn: `${ns.urn}-${name}`, id: `10.250.80.11:22/netns/${name}`, inputs: { ...ns.inputs, name }, outputs: { ...ns.outputs, name } });
    const peer = { name: `vx${i}b`, namespace: name, addresses: [`172.16.0.${100 + i}/24`] };
    const v = { name: `vx${i}a`, bridge: "br0", addresses: [], peer };
    rs.push({ ...veth, urn: `${veth.urn}-${name}`, id: `10.250.80.11:22/veth//vx${i}a`, inputs: { ...veth.inputs, ...v }, outputs: { ...veth.outputs, ...v } });
  }
  const node2 = rs.filter((r) => r.id?.startsWith("10.250.80.12:22/"));
  for (let h = 0; h < extraHosts; h++) {
    for (const r of node2) rs.push({ ...r, urn: `${r.urn}-copy${h}`, id: r.id!.replace("10.250.80.12:22/", `10.250.81.${h + 1}:22/`), parent: undefined });
  }
  return JSON.stringify(doc);
}
