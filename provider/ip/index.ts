export * from "./command";
export * from "./netns";
export * from "./link";
export * from "./addr";
export * from "./route";
export * from "./mac";
export * from "./vxlan";
