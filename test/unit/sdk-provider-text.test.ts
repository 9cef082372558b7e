import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import * as sdk from "../../sdk";
import { DynamicResource } from "../../sdk/provider";

/**
 * Every public resource class registers a `__provider` text that the engine's dynamic-provider
 * process can run: evaluated as a module, its `handler()` must return one of the core's providers.
 * (A bare kind name such as "vxlanProvider" registered fine and failed only at `up`, with
 * "ReferenceError: vxlanProvider is not defined" from the engine.) Pulumi's mocks record what each
 * constructor registers; nothing leaves the process.
 */
const registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> = [];
pulumi.runtime.setMocks({
  newResource: (a) => {
    registered.push({ type: a.type, name: a.name, inputs: a.inputs });
    return { id: `${a.name}-id`, state: a.inputs };
  },
  call: (a) => a.inputs,
}, "proj", "stack", false);

const classes = Object.entries(sdk).filter(([, v]) => typeof v === "function" && v.prototype instanceof DynamicResource) as unknown as Array<[string, new (name: string, args: Record<string, unknown>) => pulumi.CustomResource]>;

/** Inputs loose enough for every constructor: they only pass them on (validation is the provider's check). */
const args = { connection: { host: "192.0.2.1" }, name: "x", chain: "FORWARD", jump: "ACCEPT", vni: 7, local: "192.0.2.1", device: "eth0", key: "net.ipv4.ip_forward", value: "1", namespace: "NS1", target: "192.0.2.2", destination: "192.0.2.0/24", peer: { name: "y" } };

function evaluate(text: string): { create?: unknown } {
  const mod = { exports: {} as { handler?: () => { create?: unknown } } };
  new Function("exports", "module", "require", text)(mod.exports, mod, require);
  return mod.exports.handler!();
}

test("every DynamicResource class's __provider text yields a core provider when the engine runs it", async (t) => {
  t.true(classes.length >= 10, `found ${classes.map(([n]) => n).join(", ")}`);
  t.true(classes.some(([n]) => n === "Vxlan") && classes.some(([n]) => n === "IptablesRule"));
  for (const [n, C] of classes) new C(`t-${n}`, args);
  await new Promise((r) => setTimeout(r, 200)); // mocks register asynchronously
  for (const [n] of classes) {
    const r = registered.find((x) => x.name === `t-${n}`);
    if (!t.truthy(r, `${n} registered`)) continue;
    t.is(r!.type, `pulumi-nodejs:dynamic/netns:${n}`);
    const text = r!.inputs.__provider;
    t.is(typeof text, "string", n);
    let provider: { create?: unknown } | undefined;
    t.notThrows(() => { provider = evaluate(text as string); }, `${n}: ${String(text)}`);
    t.is(typeof provider?.create, "function", `${n}: handler() returns a provider`);
  }
});
