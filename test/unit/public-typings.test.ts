import test from "ava";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

/**
 * A user's `tsc` reads our declarations with their tsconfig (`pulumi new typescript`'s has no
 * skipLibCheck and no esModuleInterop, under which zod's own .d.cts files fail). So what the
 * public entry points declare, followed through every relative import, may name no package but
 * @pulumi/pulumi (the user's own) and Node's built-ins.
 */
const SPEC = /(?:from|import)\s*\(?\s*"([^"]+)"/g;

function bareImports(entry: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(entry)) return found;
  seen.add(entry);
  for (const [, spec] of fs.readFileSync(entry, "utf8").matchAll(SPEC)) {
    if (spec.startsWith(".")) bareImports(path.resolve(path.dirname(entry), spec.replace(/(\.js)?$/, ".d.ts")), seen, found);
    else found.add(spec);
  }
  return found;
}

for (const entry of ["dist/sdk/index.d.ts", "dist/sdk/lab.d.ts"]) {
  test(`${entry} and what it imports name no package but @pulumi/pulumi and node:*`, (t) => {
    const bare = [...bareImports(path.join(REPO_ROOT, entry))].filter((s) => s !== "@pulumi/pulumi" && !s.startsWith("node:"));
    t.deepEqual(bare, []);
  });
}
