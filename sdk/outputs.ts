import type * as pulumi from "@pulumi/pulumi";
import type { OnHostArgs } from "./connection";
import type { Reported } from "../provider/resources/reportedShape";
import type { OwnershipArgs } from "./owner";

/** Inputs every resource on a host takes that are not its own properties (see kinds.ts onHost). */
type Common = keyof OnHostArgs | keyof OwnershipArgs;

/** A resource's own inputs: its Args without the connection and ownership ones (Pick keeps each doc comment). */
export type OwnArgs<Args> = Pick<Args, Exclude<keyof Args, Common>>;

/**
 * An input's value as its output declares it: unwrapped from pulumi.Input (`unknown` stays unknown,
 * where Unwrap gives never), arrays as plain arrays, and literal types widened to their primitive
 * ("nat" -> string), so outputs read as they did when each was written out by hand (`table: Output<string>`).
 */
type Value<I> = unknown extends I ? unknown : Widened<pulumi.Unwrap<I>>;
type Widened<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean
  : T extends ReadonlyArray<infer E> ? Widened<E>[] : T;

/**
 * The outputs a resource class has for its own inputs: one `pulumi.Output` per property of its
 * Args (each with its doc comment), of the value the user gave, or `undefined` when left out.
 * `Defaulted` names the properties the class fills with a default, whose outputs are never undefined.
 *
 * Nothing has to be assigned: pulumi.CustomResource makes an Output for every key of the props
 * it is given, and the core stores every checked input in the resource's outputs. `onHost`
 * requires every own Args property among the props, so each output declared here exists at run time.
 * Used as `export interface X extends Outputs<XArgs, ...>, Reports<"X"> {}` beside `export class X`:
 * the interface merges into the class's instance type. Its body redeclares only an output whose
 * type or doc differs from the input's (e.g. Sysctl.value, stored as text).
 */
export type Outputs<Args, Defaulted extends keyof OwnArgs<Args> = never> = {
  readonly [K in keyof OwnArgs<Args>]-?: pulumi.Output<Value<K extends Defaulted ? NonNullable<Args[K]> : Args[K]>>;
};

/**
 * The props `onHost` needs for a resource of type T: every own property of its Args (undefined when
 * not given) and, undefined, each output its provider reports: Pulumi makes an Output for each key,
 * so every output Outputs and Reports declare exists at run time.
 */
export type PropsOf<T extends string, Args> = { [K in keyof OwnArgs<Args>]-?: unknown }
  & (T extends keyof Reported ? { [K in keyof Reported[T]]-?: undefined } : unknown) & pulumi.Inputs;

/** The outputs a resource of type T reports beyond its inputs (mac, previous, reachable ...): the core's, each with its doc comment. */
export type Reports<T extends keyof Reported> = { readonly [K in keyof Reported[T]]-?: pulumi.Output<Reported[T][K]> };
