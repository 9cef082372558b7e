/**
 * `pulumi-netns graph`, engine-independent: text of `pulumi stack export` or
 * `pulumi preview --json` in, SVG or Mermaid text out. parse -> model -> layout -> render.
 */
import { parseInput } from "./input";
import { buildGraph } from "./build";
import { layout } from "./layout";
import { renderSvg } from "./svg";
import { renderMermaid } from "./mermaid";
import type { NetworkGraph } from "./model";

export { GraphInputError } from "./errors";
export type { NetworkGraph, HostNode, NamespaceNode, BridgeNode, Item, HostLink } from "./model";
export { MAX_HOSTS, MAX_NAMESPACES } from "./model";

export type GraphFormat = "svg" | "mermaid";

/** The model of an export or a preview (throws GraphInputError on bad input). */
export function graphOf(text: string): NetworkGraph {
  return buildGraph(parseInput(text));
}

export function renderGraph(g: NetworkGraph, format: GraphFormat): string {
  return format === "mermaid" ? renderMermaid(g) : renderSvg(layout(g));
}
