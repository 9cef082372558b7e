/**
 * What each resource costs in a stack's state (`pulumi stack export`): its bytes, and the
 * bytes of the `__provider` text the dynamic-provider host runs for it.
 */
export interface ResourceBytes {
  /** type::name, e.g. "netns:Bridge::br0". */
  name: string;
  /** The resource's whole entry in the deployment (JSON bytes). */
  bytes: number;
  /** The longest `__provider` text among its inputs and outputs (0 for non-dynamic resources). */
  providerBytes: number;
  /** Whether a `__provider` text names a file-system path (e.g. "/home/alice/app/node_modules/..."). */
  providerHasPath: boolean;
}

interface ExportedResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** An absolute path of two or more segments, not inside a word (so "pulumi-netns/provider" is not one). */
const PATH = /(^|[^\w.@-])\/(?:[\w.@-]+\/)+[\w.@-]+/;

/** Per custom resource of a `stack export` (the stack itself and default providers left out). */
export function stateBytes(exported: string): ResourceBytes[] {
  const resources = (JSON.parse(exported) as { deployment: { resources?: ExportedResource[] } }).deployment.resources ?? [];
  return resources
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/") || !r.type.startsWith("pulumi:"))
    .map((r) => {
      const texts = [r.inputs?.__provider, r.outputs?.__provider].filter((p): p is string => typeof p === "string");
      return {
        name: `${r.type.replace(/^pulumi-nodejs:dynamic\//, "")}::${r.urn.split("::").pop()}`,
        bytes: Buffer.byteLength(JSON.stringify(r)),
        providerBytes: Math.max(0, ...texts.map((p) => Buffer.byteLength(p))),
        providerHasPath: texts.some((p) => PATH.test(p)),
      };
    });
}

/** One line per resource, then the mean, for test logs and the closing measurements. */
export function formatBytes(rows: ResourceBytes[]): string {
  const mean = rows.length ? Math.round(rows.reduce((s, r) => s + r.bytes, 0) / rows.length) : 0;
  return [
    ...rows.map((r) => `${String(r.bytes).padStart(6)} B state, ${String(r.providerBytes).padStart(5)} B __provider${r.providerHasPath ? " (has a path)" : ""}  ${r.name}`),
    `mean ${mean} B per resource over ${rows.length} resources`,
  ].join("\n");
}

// `pulumi stack export | node dist/test/helpers/statesize.js`: the same table for any stack.
if (require.main === module) {
  const chunks: Buffer[] = [];
  process.stdin.on("data", (c: Buffer) => chunks.push(c)).on("end", () => console.log(formatBytes(stateBytes(Buffer.concat(chunks).toString("utf8")))));
}
