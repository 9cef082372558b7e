/**
 * Compile-time check that every SDK `Args` matches its resource's zod schema, the one source
 * of the input shape: same property names both ways, the same ones required, and each Args
 * value (unwrapped from pulumi.Input) the schema's input type; and that the class's outputs for
 * those inputs (derived from Args, sdk/outputs.ts) are what `check` stores: the schema's output
 * type, undefined exactly where the schema has no default. `tsc` fails the build when they drift,
 * e.g. an Args property renamed without the schema, or a default the SDK class fills in but its
 * outputs do not declare (`Outputs<XArgs, Defaulted>`). Nothing here runs.
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
/** Literal types as outputs declare them ("nat" -> string; see sdk/outputs.ts). */
type Widened<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

/** The values of a resource class's outputs for its own inputs (every Args property but the common ones). */
type OwnOutputs<C, A> = { [K in Exclude<keyof A, Common>]: K extends keyof C ? (C[K] extends pulumi.OutputInstance<infer T> ? T : never) : never };
type UndefinedKeys<T> = { [K in keyof T]: undefined extends T[K] ? K : never }[keyof T];

/** Inputs every resource takes, checked by the core's resource.ts rather than each schema. */
type Common = "connection" | "adopt";

/**
 * What must hold for an Args type A and a schema S; each member reads `true` when it does.
 * `SdkDefault`: properties the SDK class fills in itself (from the stack, which the core cannot
 * see), so they are optional in Args but required by the schema.
 */
interface Verdict<C extends abstract new (...a: any[]) => unknown, S extends z.ZodType, SdkDefault extends keyof A = never, A = ConstructorParameters<C>[1]> {
  names: Same<Exclude<keyof A, Common>, keyof z.input<S>>;
  required: Same<Exclude<RequiredKeys<A>, Common>, Exclude<RequiredKeys<z.input<S>>, SdkDefault>>;
  values: Same<Omit<Values<A>, Common>, Values<z.input<S>>>;
  connection: Same<pulumi.Unwrap<A[Extract<"connection", keyof A>]>, pulumi.Unwrap<sdk.ConnectionArgs>>;
  outputs: Same<{ [K in keyof OwnOutputs<InstanceType<C>, A>]: NonNullable<OwnOutputs<InstanceType<C>, A>[K]> }, { [K in keyof z.output<S>]-?: Widened<NonNullable<z.output<S>[K]>> }>;
  undefinedOutputs: Same<UndefinedKeys<OwnOutputs<InstanceType<C>, A>>, Exclude<keyof z.output<S>, RequiredKeys<z.output<S>>>>;
}

/** Compiles only when every member of the verdict is `true`; the error names the one that is not. */
type Holds<V> = { [K in keyof V]: V[K] extends true ? true : never };
function holds<V>(v: Holds<V>): Holds<V> {
  return v;
}
const all = { names: true, required: true, values: true, connection: true, outputs: true, undefinedOutputs: true } as const;

holds<Verdict<typeof sdk.NetNamespace, typeof core.netNamespaceSchema>>(all);
holds<Verdict<typeof sdk.Bridge, typeof core.bridgeSchema>>(all);
holds<Verdict<typeof sdk.VethPair, typeof core.vethPairSchema>>(all);
holds<Verdict<typeof sdk.Route, typeof core.routeSchema>>(all);
holds<Verdict<typeof sdk.NatRule, typeof core.natRuleSchema, "comment">>(all); // default "pulumi-netns:STACK:NAME"
holds<Verdict<typeof sdk.Sysctl, typeof core.sysctlSchema>>(all);
holds<Verdict<typeof sdk.Ping, typeof core.pingSchema>>(all);
holds<Verdict<typeof sdk.BridgedNamespace, typeof core.bridgedNamespaceSchema>>(all);
holds<Verdict<typeof sdk.IptablesRule, typeof core.iptablesRuleSchema, "comment">>(all); // default "pulumi-netns:STACK:NAME"
holds<Verdict<typeof sdk.Vxlan, typeof core.vxlanSchema>>(all);

/** The SDK's connection is the core's, property for property. */
holds<{ same: Same<Values<pulumi.Unwrap<sdk.ConnectionArgs>>, Values<Connection>> }>({ same: true });
