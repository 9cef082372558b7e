import * as pulumi from "@pulumi/pulumi";
/**
 * A `__provider` text, made only by providerText(kind) in ./kinds (not imported here, so the public
 * typings never load the core's). Branded so a bare kind name ("vxlanProvider") is a type error,
 * not a resource whose every operation fails with "vxlanProvider is not defined".
 */
export type ProviderText = string & { readonly __providerText: unique symbol };

/**
 * What a resource class passes to pulumi.CustomResource: what `pulumi.dynamic.Resource` registers
 * (type `pulumi-nodejs:dynamic/netns:<type>`, served by the engine's Node.js dynamic-provider plugin,
 * `__provider` among the inputs) minus the closure serialization, so state written by earlier
 * releases maps onto the same URNs. Built by ./kinds. The classes extend pulumi.CustomResource
 * directly, with no base class of ours: the SDK records as a resource's source position the frame
 * one below the class's constructor, which an intermediate class made a line of this package
 * instead of the user's program.
 */
export type Registration = [type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined];

/** The connection (keys, passwords) is kept secret in state, as an input (pulumi.secret at the call site) and as an output. */
export function secretConnection(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] };
}
