/** Engine-independent core: SSH transport, validation, command builders, state readers, providers. */
export * as ssh from "./ssh";
export * as ip from "./ip";
export * from "./resources";
export { defineResource, type DynamicProvider } from "./resource";
export { UNKNOWN } from "./validate/unknown";
