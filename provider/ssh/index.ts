export * from "./quote";
export * from "./errors";
export * from "./connection";
export * from "./hostkey";
export * from "./pool";
