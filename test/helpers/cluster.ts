import * as fs from "node:fs/promises";
import * as path from "node:path";
import * as ts from "typescript";
import type { ExecutionContext } from "ava";
import type { Lab, LabVmInfo } from "../../provider/lab";
import type { ClusterTestConfig } from "../e2e/cluster/config";
import { diffSteps, REPO_ROOT, TestStack, type ShownStep } from "./pulumi";
import { pingFrom } from "./snapshot";
import { readmeBlock } from "./userproject";

/** The Cluster test project (test/e2e/cluster): its program reads config `cluster`. */
export const CLUSTER_PROJECT = path.join(REPO_ROOT, "test", "e2e", "cluster");

export async function clusterStack(name: string, binDir: string): Promise<TestStack> {
  return TestStack.create(name, { binDir, projectDir: CLUSTER_PROJECT });
}

/** The README's Cluster section, whose program the vxlan test runs as it stands. */
export const README_CLUSTER = "### Cluster: N nodes in one component";

/**
 * The README's Cluster program as a project of its own (dist/test/e2e/readme-cluster, inside
 * the repo so `pulumi-netns` resolves to this package as in a user's project): type-checked
 * strictly against the package's published typings, then compiled to the index.js it runs.
 */
export async function readmeClusterProject(): Promise<string> {
  const dir = path.join(REPO_ROOT, "dist", "test", "e2e", "readme-cluster");
  await fs.mkdir(dir, { recursive: true });
  const source = await readmeBlock(README_CLUSTER, "ts");
  const file = path.join(dir, "index.ts");
  await fs.writeFile(file, source);
  const program = ts.createProgram([file], {
    strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, types: ["node"],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    baseUrl: REPO_ROOT, paths: { "pulumi-netns": ["./dist/sdk/index.d.ts"] },
  });
  const diags = ts.getPreEmitDiagnostics(program);
  if (diags.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" };
    throw new Error(`the README's Cluster program does not type-check:\n${ts.formatDiagnostics(diags, host)}`);
  }
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true } });
  await fs.writeFile(path.join(dir, "index.js"), js.outputText);
  await fs.writeFile(path.join(dir, "Pulumi.yaml"), "name: readme-cluster\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  return dir;
}

export async function setCluster(stack: TestStack, cfg: ClusterTestConfig): Promise<void> {
  const r = await stack.configSet("cluster", JSON.stringify(cfg));
  if (r.code !== 0) throw new Error(`config set cluster failed: ${r.stderr}`);
}

/**
 * The full ping matrix: from every namespace of every node to every other namespace of the
 * cluster and to every node's LAN IP (all lab addresses, in namespaces the test made). With
 * `size`, each ping is `-M do -s SIZE` (don't fragment). Returns the failures, e.g. "n1/NS1 -> 10.250.50.12".
 */
export async function pingMatrix(lab: Lab, cfg: ClusterTestConfig, size?: number): Promise<{ total: number; failed: string[] }> {
  const vmOf = (k: number): LabVmInfo => lab.vms.find((v) => v.vm === cfg.nodes[k].vm)!;
  const targets = [
    ...cfg.nodes.flatMap((n) => n.namespaces.map((s) => ({ label: `${n.name}/${s.name}`, ip: s.address }))),
    ...cfg.nodes.map((n, k) => ({ label: `${n.name} LAN`, ip: vmOf(k).lanIp })),
  ];
  const jobs: Array<Promise<string | undefined>> = [];
  cfg.nodes.forEach((n, k) => {
    for (const s of n.namespaces) {
      for (const tg of targets) {
        if (tg.label === `${n.name}/${s.name}`) continue;
        jobs.push(pingFrom(vmOf(k), s.name, tg.ip, size).then((ok) => (ok ? undefined : `${n.name}/${s.name} -> ${tg.label} (${tg.ip})`)));
      }
    }
  });
  const results = await Promise.all(jobs);
  return { total: results.length, failed: results.filter((x): x is string => x !== undefined) };
}

/** Steps of a `preview --diff` that are not "same", by operation. */
export function changesOf(output: string): Record<string, string[]> {
  const by: Record<string, string[]> = {};
  for (const s of diffSteps(output).filter((x: ShownStep) => x.op !== "same")) (by[s.op] ??= []).push(`${s.kind} ${s.name}`);
  for (const k of Object.keys(by)) by[k].sort();
  return by;
}

export function assertPings(t: ExecutionContext, m: { total: number; failed: string[] }, what: string): void {
  t.log(`${what}: ${m.total - m.failed.length}/${m.total} pings answered`);
  t.deepEqual(m.failed, [], `${what}: unanswered pings`);
}
