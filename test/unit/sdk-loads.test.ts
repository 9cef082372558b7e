import test from "ava";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

/**
 * The program process pays for every module the SDK loads, on every `pulumi up`/`preview`:
 * validation (zod), SSH (ssh2) and the core (dist/provider) belong in the dynamic-provider
 * process only. A fresh node, so nothing loaded by the test runner counts.
 */
test('require("pulumi-netns") loads none of zod, ssh2 or the core', (t) => {
  const root = path.resolve(__dirname, "..", "..", "..");
  const script = `
    const r = require("module").createRequire(process.cwd() + "/");
    r("pulumi-netns");
    const bad = Object.keys(require.cache).filter((k) => /node_modules\\/(zod|ssh2)\\//.test(k) || (/\\/dist\\/provider\\//.test(k) && !/\\/dist\\/provider\\/(validate\\/ip|expanded)\\.js$/.test(k)));
    process.stdout.write(JSON.stringify(bad.map((k) => k.slice(process.cwd().length + 1))));
  `;
  const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as string[];
  t.deepEqual(loaded, [], `the SDK pulled these into the program: ${loaded.join(", ")}`);
});

test("the core loads ssh2 only when it first dials: check, diff and preview never need it", (t) => {
  const root = path.resolve(__dirname, "..", "..", "..");
  const script = `
    const r = require("module").createRequire(process.cwd() + "/");
    r("pulumi-netns/provider");
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/ssh2\\//.test(k)).length));
  `;
  t.is(JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as number, 0);
});
