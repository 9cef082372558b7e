/**
 * Shared by the fixture recorders (fixtures.e2e.test.ts, cluster-fixtures.e2e.test.ts): where
 * recordings go, how they are saved, and the compiled CLI that renders them.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

/** test/graph/out/recorded/ (gitignored), or with GRAPH_RECORD_FIXTURES=1 the committed test/graph/fixtures/. */
export const FIXTURES = process.env.GRAPH_RECORD_FIXTURES === "1"
  ? path.join(REPO_ROOT, "test", "graph", "fixtures")
  : path.join(REPO_ROOT, "test", "graph", "out", "recorded");
const CLI = path.join(REPO_ROOT, "dist", "cli", "pulumi-netns.js");

/** Run the compiled CLI on a recording. */
export function graph(name: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, "graph", path.join(FIXTURES, name), ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Save a recording: JSON only, never a private key or the tests' passphrase in plain text. */
export async function save(name: string, text: string): Promise<void> {
  JSON.parse(text);
  // Secrets stay ciphertext in an export without --show-secrets and "[secret]" in a preview.
  if (/PRIVATE KEY|e2e-passphrase/.test(text)) throw new Error(`${name}: a private key or passphrase in plain text; not saved`);
  await fs.mkdir(FIXTURES, { recursive: true });
  await fs.writeFile(path.join(FIXTURES, name), text.endsWith("\n") ? text : `${text}\n`);
}
