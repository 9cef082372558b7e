import test from "ava";
import * as os from "node:os";
import * as path from "node:path";
import requireFromString from "require-from-string";
import { providerText, type Kind } from "../../sdk/kinds";
import { stateBytes } from "../helpers/statesize";

const KINDS: Kind[] = ["netNamespaceProvider", "bridgeProvider", "vethPairProvider", "routeProvider", "natRuleProvider",
  "sysctlProvider", "pingProvider", "bridgedNamespaceProvider", "labVmProvider"];

test("every provider text is at most 300 bytes, names no path, and loads its provider from the project folder", (t) => {
  for (const kind of KINDS) {
    const text = providerText(kind);
    t.true(Buffer.byteLength(text) <= 300, `${kind}: ${text.length} bytes`);
    const [row] = stateBytes(JSON.stringify({ deployment: { resources: [{ urn: "u::x", type: "pulumi-nodejs:dynamic/netns:X", inputs: { __provider: text } }] } }));
    t.false(row.providerHasPath, text);
    // What the dynamic-provider host does with it; its cwd here is the repo root (self-reference).
    const provider = requireFromString(text).handler() as { check?: unknown; delete?: unknown };
    t.is(typeof provider.check, "function", kind);
    t.is(typeof provider.delete, "function", kind);
  }
});

test("a provider text run outside a project names the missing package and the folder it looked in", (t) => {
  const cwd = process.cwd();
  process.chdir(os.tmpdir());
  try {
    const e = t.throws(() => requireFromString(providerText("bridgeProvider")).handler());
    t.regex(e!.message, /Cannot find module 'pulumi-netns\/provider'/);
    t.true(e!.message.includes(path.join(os.tmpdir(), "noop.js")), e!.message);
  } finally {
    process.chdir(cwd);
  }
});

test("stateBytes finds the absolute path in a closure-serialized provider", (t) => {
  const old = 'exports.handler = __f0; var __corePath = "/home/alice/app/node_modules/pulumi-netns/dist/provider/index.js";';
  const [row] = stateBytes(JSON.stringify({ deployment: { resources: [
    { urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", type: "pulumi:pulumi:Stack" },
    { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/netns:Bridge::br0", type: "pulumi-nodejs:dynamic/netns:Bridge", inputs: { __provider: old }, outputs: { __provider: old } },
  ] } }));
  t.is(row.name, "netns:Bridge::br0");
  t.true(row.providerHasPath);
  t.is(row.providerBytes, old.length);
});
