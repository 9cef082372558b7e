/**
 * Compile-time check that every SDK `Args` matches its resource's zod schema, the one source
 * of the input shape: same property names both ways, the same ones required, and each Args
 * value (unwrapped from pulumi.Input) the schema's input type. `tsc` fails the build when
 * they drift, e.g. an Args property renamed without the schema. Nothing here runs.
 * (LabVm is left out while it moves; see docs/architecture.md.)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type * as sdk from "../../sdk";
import type * as core from "../../provider/resources";
import type { Connection } from "../../provider/ssh/connection";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Values<T> = { [K in keyof T]-?: pulumi.Unwrap<NonNullable<T[K]>> };

/** Inputs every resource takes, checked by the core's resource.ts rather than each schema. */
type Common = "connection" | "adopt";

/**
 * What must hold for an Args type A and a schema S; each member reads `true` when it does.
 * `SdkDefault`: properties the SDK class fills in itself (from the stack, which the core cannot
 * see), so they are optional in Args but required by the schema.
 */
interface Verdict<A, S extends z.ZodType, SdkDefault extends keyof A = never> {
  names: Same<Exclude<keyof A, Common>, keyof z.input<S>>;
  required: Same<Exclude<RequiredKeys<A>, Common>, Exclude<RequiredKeys<z.input<S>>, SdkDefault>>;
  values: Same<Omit<Values<A>, Common>, Values<z.input<S>>>;
  connection: Same<pulumi.Unwrap<A[Extract<"connection", keyof A>]>, pulumi.Unwrap<sdk.ConnectionArgs>>;
}

/** Compiles only when every member of the verdict is `true`; the error names the one that is not. */
type Holds<V> = { [K in keyof V]: V[K] extends true ? true : never };
function holds<V>(v: Holds<V>): Holds<V> {
  return v;
}
const all = { names: true, required: true, values: true, connection: true } as const;

holds<Verdict<sdk.NetNamespaceArgs, typeof core.netNamespaceSchema>>(all);
holds<Verdict<sdk.BridgeArgs, typeof core.bridgeSchema>>(all);
holds<Verdict<sdk.VethPairArgs, typeof core.vethPairSchema>>(all);
holds<Verdict<sdk.RouteArgs, typeof core.routeSchema>>(all);
holds<Verdict<sdk.NatRuleArgs, typeof core.natRuleSchema, "comment">>(all); // default "pulumi-netns:STACK:NAME"
holds<Verdict<sdk.SysctlArgs, typeof core.sysctlSchema>>(all);
holds<Verdict<sdk.PingArgs, typeof core.pingSchema>>(all);
holds<Verdict<sdk.BridgedNamespaceArgs, typeof core.bridgedNamespaceSchema>>(all);
holds<Verdict<sdk.IptablesRuleArgs, typeof core.iptablesRuleSchema, "comment">>(all); // default "pulumi-netns:STACK:NAME"
holds<Verdict<sdk.VxlanArgs, typeof core.vxlanSchema>>(all);

/** The SDK's connection is the core's, property for property. */
holds<{ same: Same<Values<pulumi.Unwrap<sdk.ConnectionArgs>>, Values<Connection>> }>({ same: true });
