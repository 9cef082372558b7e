import type * as core from "../provider";
import type { DynamicProvider } from "../provider";

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
  // ~110 bytes, stored twice per resource (inputs and outputs). When the package is missing, Node's
  // own error says so and names the folder it looked in ("Cannot find module ... Require stack: <cwd>/noop.js").
  return `exports.handler=()=>require("module").createRequire(process.cwd()+"/")("pulumi-netns/provider").${kind};`;
}
