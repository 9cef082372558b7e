import * as pulumi from "@pulumi/pulumi";
import type * as core from "../provider";
import type { DynamicProvider } from "../provider";
import type { OnHostArgs } from "./connection";
import type { PropsOf } from "./outputs";
import { owned, type OwnershipArgs } from "./owner";

/** The core's dynamic providers, by export name (derived from the core, not listed by hand). */
export type Kind = { [K in keyof typeof core]: (typeof core)[K] extends DynamicProvider ? K : never }[keyof typeof core];

/**
 * The `__provider` text Pulumi stores with every resource and hands to the dynamic-provider
 * process, which runs it with require-from-string and calls `handler()`.
 *
 * Written by hand rather than by `pulumi.dynamic.Resource`'s closure serialization because:
 * - serialization captured the absolute path of the core on the machine that ran `up`, so
 *   another checkout or a moved project ran whatever sat at that path (or nothing);
 * - it wrote ~2 KB into every resource's inputs and outputs, rewritten by the engine after every step;
 * - it loaded the TypeScript compiler into the program to do so (~0.7 s before the first registration).
 * This text is constant and path-free: it loads the core by package name, resolved from the
 * dynamic-provider process's working directory (the project folder): the installed package in a
 * user's project, or this repository itself (Node's package self-reference via "exports").
 * One module per process, so every resource shares one SSH pool. Changing this text makes every
 * resource's diff show an update (the core migrates state to the current text): keep it stable.
 */
export function providerText(kind: Kind): string {
  // ~110 bytes, stored twice per resource (inputs and outputs). Single quotes and no final ';':
  // state is JSON, where each double quote costs an escape. When the package is missing, Node's own
  // error says so and names the folder it looked in ("Cannot find module ... Require stack: <cwd>/noop.js").
  return `exports.handler=()=>require('module').createRequire(process.cwd()+'/')('pulumi-netns/provider').${kind}`;
}

/**
 * What a resource class passes to pulumi.CustomResource: what `pulumi.dynamic.Resource` registers
 * (type `pulumi-nodejs:dynamic/netns:<type>`, served by the engine's Node.js dynamic-provider plugin,
 * `__provider` among the inputs) minus the closure serialization, so state written by earlier
 * releases maps onto the same URNs. The classes extend pulumi.CustomResource directly, with no base
 * class of ours: the SDK records as a resource's source position the frame one below the class's
 * constructor, which an intermediate class made a line of this package instead of the user's program.
 */
type Registration = [type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined];

/** The connection (keys, passwords) is kept secret in state, as an input (pulumi.secret in onHost) and as an output. */
function secretConnection(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] };
}

/** A resource type name, e.g. "Bridge": the core's provider for it is `bridgeProvider` (derived from Kind, like it). */
export type ResourceType = Kind extends `${infer K}Provider` ? Capitalize<K> : never;

/**
 * The options every resource registers with: the user's, plus `deleteBeforeReplace: true` unless
 * the user set it (an explicit false is kept). A replacement reuses the kernel name (same host,
 * same name), and two objects of one name cannot coexist. The provider's diff asks for
 * delete-before-replace when names collide, but a targeted replace (`up --replace`,
 * `replacementTrigger`, `replaceWith`) never calls it: the engine would create first, the create
 * would find the old object under its own mark and take it over (the path for interrupted runs),
 * and the old instance's delete would then remove it, leaving state that says it exists.
 */
export function withDeleteBeforeReplace(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
  return { ...opts, deleteBeforeReplace: opts?.deleteBeforeReplace ?? true };
}

/** The registration of resource `type`: its provider text (the core's provider of that type) and its type token. */
export function registration(type: ResourceType, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined): Registration {
  const kind = `${type[0].toLowerCase()}${type.slice(1)}Provider` as Kind; // "Bridge" -> "bridgeProvider" (ResourceType's inverse)
  return [`pulumi-nodejs:dynamic/netns:${type}`, name, { ...props, __provider: providerText(kind) }, withDeleteBeforeReplace(opts)];
}

/**
 * How a resource marks what it makes: by its owner (`owner`, the default: links, namespaces,
 * routes, sysctls), by its own `comment` (iptables rules: the comment is the mark, so no `owner`
 * is stored for them), or not at all (Ping: nothing to own).
 */
type Marked = "owner" | "comment" | "none";

/**
 * The registration of a resource on a remote host (every one but LabVm): its connection, kept
 * secret in state as input and output; what its marks need (see Marked) and `adopt`; then its own properties:
 * every one of its Args (so each has the output the class declares for it, see outputs.ts), and its other outputs.
 */
export function onHost<T extends ResourceType, Args extends OnHostArgs & OwnershipArgs>(
  type: T, name: string, args: Args, props: NoInfer<PropsOf<T, Args>>,
  opts: pulumi.CustomResourceOptions | undefined, marked: Marked = "owner",
): Registration {
  const ownership = marked === "owner" ? owned(type, name, args) : marked === "comment" ? { adopt: args.adopt } : {};
  const common = { connection: pulumi.secret(args.connection), ...ownership };
  return registration(type, name, { ...common, ...props }, secretConnection(opts));
}
