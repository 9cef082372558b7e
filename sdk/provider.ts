import * as pulumi from "@pulumi/pulumi";
/**
 * A dynamic resource whose provider is the hand-written text of ./kinds. It is what
 * `pulumi.dynamic.Resource` registers (type `pulumi-nodejs:dynamic/<module>:<type>`, served by
 * the engine's Node.js dynamic-provider plugin, `__provider` among the inputs), minus the closure
 * serialization, so state written by earlier releases maps onto the same URNs.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  /** `provider` is providerText(kind) (./kinds: not imported here, so the public typings never load the core's). */
  constructor(provider: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, type: string) {
    super(`pulumi-nodejs:dynamic/netns:${type}`, name, { ...props, __provider: provider }, opts);
  }
}

/** The connection (keys, passwords) is kept secret in state, as an input (pulumi.secret at the call site) and as an output. */
export function secretConnection(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] };
}
