export * from "./netns";
export * from "./bridge";
export * from "./veth";
export * from "./route";
export * from "./nat";
export * from "./sysctl";
export * from "./ping";
export * from "./bridged";
