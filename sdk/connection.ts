import type * as pulumi from "@pulumi/pulumi";
import type { Connection } from "../provider/ssh/connectionShape";

/** Every property of T may be a pulumi.Input (optional ones stay optional). */
type Inputs<T> = { [K in keyof T]: pulumi.Input<NonNullable<T[K]>> };

/**
 * How to reach a host over SSH: the core's `Connection` (see it for each property's
 * meaning and default) with every property a pulumi.Input. Mirrors `@pulumi/command`'s
 * `remote.ConnectionArgs`, plus `hostKey` pinning and `sudo`. The whole connection is
 * stored as a secret in state.
 */
export interface ConnectionArgs extends Inputs<Omit<Connection, "proxy">> {
  /** A jump host to tunnel through (like `ssh -J`). */
  proxy?: pulumi.Input<ConnectionArgs>;
}

/** What every resource acting on a host takes. */
export interface OnHostArgs {
  /** The host to act on, over SSH (kept secret in state, as input and output). */
  connection: pulumi.Input<ConnectionArgs>;
}
