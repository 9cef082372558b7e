/**
 * Prints a ping matrix between every namespace of every node of the demo stack, over SSH.
 * Usage: pulumi stack output nodeSummary --json | node dist/scripts/demo-matrix.js [labName]
 * Targets are the stack's own addresses on the lab; nothing else is pinged.
 */
import { readFileSync } from "node:fs";
import { labGet } from "../provider/lab";
import { connectionSchema } from "../provider/ssh/connection";
import { pool } from "../provider/ssh/pool";
import { shellJoin } from "../provider/ssh/quote";

interface NodeSummary {
  name: string;
  lanIp: string;
  bridge: string;
  namespaces: Record<string, string>;
}

async function main(): Promise<number> {
  const nodes = JSON.parse(readFileSync(0, "utf8")) as NodeSummary[];
  const lab = await labGet(process.argv[2] ?? "demo");
  if (!lab) throw new Error(`lab ${process.argv[2] ?? "demo"} is not up: run the demo first`);
  const vmOf = (n: NodeSummary) => lab.vms.find((v) => v.host === n.lanIp);
  const sources = nodes.flatMap((n) => Object.keys(n.namespaces).map((ns) => ({ node: n, ns })));
  const targets = nodes.flatMap((n) => [
    ...Object.entries(n.namespaces).map(([ns, ip]) => ({ label: `${n.name}/${ns}`, ip })),
    { label: `${n.name}/LAN`, ip: n.lanIp },
  ]);
  const rows = await Promise.all(sources.map(async ({ node, ns }) => {
    const vm = vmOf(node);
    if (!vm) throw new Error(`no lab VM has ${node.lanIp}`);
    const c = connectionSchema.parse({ host: vm.host, privateKey: vm.privateKey, hostKey: vm.hostPublicKey });
    const cells = await Promise.all(targets.map(async (t) => {
      const r = await pool.exec(c, shellJoin(["ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", "1", "-W", "1", t.ip]));
      return r.code === 0;
    }));
    return { label: `${node.name}/${ns}`, cells };
  }));
  await pool.closeAll();
  const w = Math.max(...targets.map((t) => t.label.length), ...rows.map((r) => r.label.length)) + 1;
  console.log("ping from (rows) to (columns): ok = reply received\n");
  console.log("".padEnd(w) + targets.map((t) => t.label.padStart(w)).join(""));
  for (const r of rows) console.log(r.label.padEnd(w) + r.cells.map((ok) => (ok ? "ok" : "FAIL").padStart(w)).join(""));
  const failed = rows.reduce((n, r) => n + r.cells.filter((ok) => !ok).length, 0);
  console.log(`\n${rows.length * targets.length - failed} of ${rows.length * targets.length} pairs reachable`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => { console.error(String(e)); process.exit(1); });
