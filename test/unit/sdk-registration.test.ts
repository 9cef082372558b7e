/**
 * Every SDK resource class registers the provider the dynamic-provider process will run: its
 * `__provider` text, evaluated as that process does, yields the core's provider of the same
 * resource type. A class that passed a bare name, or another kind's text, fails here, not on a host.
 */
import test from "ava";
import * as pulumi from "@pulumi/pulumi";
import * as core from "../../provider";

interface Registered { type: string; name: string; inputs: Record<string, unknown> }
const registered: Registered[] = [];
pulumi.runtime.setMocks({
  newResource: (a) => {
    registered.push({ type: a.type, name: a.name, inputs: a.inputs });
    return { id: `${a.name}-id`, state: a.inputs };
  },
  call: (a) => a.inputs,
}, "project", "stack", true);

/** The options each registration sent the engine that mocks do not pass on: deleteBeforeReplace (value, whether set). */
const sentOptions = new Map<string, { deleteBeforeReplace: boolean; defined: boolean }>();
interface RegisterRequest { getName(): string; getDeletebeforereplace(): boolean; getDeletebeforereplacedefined(): boolean }
const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): unknown };
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, cb) => {
  sentOptions.set(req.getName(), { deleteBeforeReplace: req.getDeletebeforereplace(), defined: req.getDeletebeforereplacedefined() });
  return registerResource(req, cb);
};

// Loaded after setMocks, as Pulumi's mocks require.
const sdk = { ...(require("../../sdk") as object), ...(require("../../sdk/lab") as object) } as Record<string, unknown>;

/** Any property an SDK constructor reads is a plain string: registration does not validate (check does). */
const anyArgs = new Proxy({}, { get: (_t, key) => (typeof key === "string" ? `arg-${key}` : undefined) });

/** Runs the text as the engine's dynamic-provider process does (module code exporting `handler`), from this folder. */
function load(text: string): unknown {
  const module = { exports: {} as { handler?: () => unknown } };
  new Function("exports", "module", "require", text)(module.exports, module, require);
  if (typeof module.exports.handler !== "function") throw new Error(`no handler in ${JSON.stringify(text)}`);
  return module.exports.handler();
}

const classes = Object.entries(sdk).filter(
  (e): e is [string, new (name: string, args: unknown) => unknown] =>
    typeof e[1] === "function" && (e[1] as { prototype: unknown }).prototype instanceof pulumi.CustomResource,
);

test("the SDK exports every resource class the core has a provider for", (t) => {
  const providers = Object.keys(core).filter((k) => k.endsWith("Provider")).sort();
  const expected = classes.map(([name]) => `${name[0].toLowerCase()}${name.slice(1)}Provider`).sort();
  t.deepEqual(expected, providers);
});

for (const [className, Class] of classes) {
  test(`${className} registers pulumi-nodejs:dynamic/netns:${className} with a short text that loads its own provider`, async (t) => {
    const resource = new Class(`reg-${className}`, anyArgs) as pulumi.CustomResource;
    await new Promise((done) => resource.id.apply(done)); // registration resolves inputs first
    const r = registered.find((x) => x.name === `reg-${className}`);
    if (!r) return t.fail(`${className} registered nothing`);
    t.is(r.type, `pulumi-nodejs:dynamic/netns:${className}`);
    const text = r.inputs.__provider;
    if (typeof text !== "string") return t.fail(`__provider is ${typeof text}`);
    t.true(text.length <= 300, `${text.length} bytes`);
    t.false(text.includes(process.cwd()), "no machine path in the text");
    const kind = `${className[0].toLowerCase()}${className.slice(1)}Provider` as keyof typeof core;
    t.is(load(text), core[kind]);
    // What its marks need: rules are marked by their comment and store no owner; Ping and LabVm mark nothing.
    const marked = /Rule$/.test(className) ? "comment" : ["Ping", "LabVm"].includes(className) ? "none" : "owner";
    t.is(r.inputs.owner !== undefined, marked === "owner", `${className}: owner ${JSON.stringify(r.inputs.owner)}`);
    if (marked === "comment") t.is(typeof r.inputs.comment, "string");
  });
}

// A targeted replace (`up --replace`, replacementTrigger, replaceWith) skips the provider's diff,
// so only this option makes the engine delete the old object before creating one of the same name.
for (const [className, Class] of classes) {
  test(`${className} registers deleteBeforeReplace: true by default and keeps the user's explicit false`, async (t) => {
    const byDefault = new (Class as new (n: string, a: unknown, o?: pulumi.CustomResourceOptions) => pulumi.CustomResource)(`dbr-${className}`, anyArgs);
    const keptFalse = new (Class as new (n: string, a: unknown, o?: pulumi.CustomResourceOptions) => pulumi.CustomResource)(`cbd-${className}`, anyArgs, { deleteBeforeReplace: false });
    await Promise.all([byDefault, keptFalse].map((r) => new Promise((done) => r.id.apply(done))));
    t.deepEqual(sentOptions.get(`dbr-${className}`), { deleteBeforeReplace: true, defined: true });
    t.deepEqual(sentOptions.get(`cbd-${className}`), { deleteBeforeReplace: false, defined: true });
  });
}
