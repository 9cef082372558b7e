import type * as pulumi from "@pulumi/pulumi";
import type * as core from "../provider";

type Kind = "netNamespaceProvider" | "bridgeProvider" | "vethPairProvider" | "routeProvider" | "natRuleProvider" | "sysctlProvider" | "labVmProvider" | "pingProvider" | "bridgedNamespaceProvider";

/**
 * The dynamic provider Pulumi serializes into state. It holds no code of ours: each
 * method loads the engine-independent core at run time, from the path it had when
 * the program ran, or else from the installed package. The serialized text stays
 * tiny and every resource in a provider process shares one module, so one SSH pool.
 */
export function dynamicProvider(kind: Kind): pulumi.dynamic.ResourceProvider {
  const corePath = require.resolve("../provider");
  const load = (): core.DynamicProvider => {
    let mod: Record<string, core.DynamicProvider>;
    try {
      mod = require(corePath);
    } catch {
      mod = require("pulumi-netns/provider");
    }
    return mod[kind];
  };
  return {
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}

/** The connection (keys, passwords) is kept secret in state, as an input (pulumi.secret at the call site) and as an output. */
export function secretConnection(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection"] };
}
