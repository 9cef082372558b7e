/** Engine-independent core: SSH transport, validation, command builders, state readers, providers. */
import * as nodeModule from "node:module";
// The dynamic-provider process is a fresh node for every `pulumi` command: with Node's compile
// cache, what it loads next (zod, ssh2, the core) is not compiled again each time (about 40% of
// their load time, BENCHMARKS.md). A no-op when NODE_COMPILE_CACHE already turned it on.
nodeModule.enableCompileCache?.();
export * as ssh from "./ssh";
export * as ip from "./ip";
export * from "./resources";
export { defineResource, type DynamicProvider } from "./resource";
export { UNKNOWN } from "./validate/unknown";

import type { DynamicProvider as LazyProvider } from "./resource";
/**
 * LabVm's provider, loaded on first use: a dynamic-provider process serving only network
 * resources never loads the lab. It stays on this entry point because every LabVm's
 * `__provider` text (including state written by earlier releases) looks it up here.
 */
export declare const labVmProvider: LazyProvider;
Object.defineProperty(exports, "labVmProvider", {
  enumerable: true,
  get: (): LazyProvider => (require("./resources/labvm") as typeof import("./resources/labvm")).labVmProvider,
});
