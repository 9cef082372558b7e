/**
 * What each resource costs in a stack's state (`pulumi stack export`): its bytes, and the
 * bytes of the `__provider` text the dynamic-provider host runs for it.
 */
export interface ResourceBytes {
  /** type::name, e.g. "netns:Bridge::br0". */
  name: string;
  /** Its URN (its parents' types included, e.g. "...NodeNetwork$pulumi-nodejs:dynamic/netns:Bridge::node1-bridge"). */
  urn: string;
  /** The resource's whole entry in the deployment (JSON bytes). */
  bytes: number;
  /**
   * Of `bytes`, the call stack the SDK records with every resource (`stackTrace`, `sourcePosition`;
   * @pulumi/pulumi 3.2xx): ~0.6-0.9 KB, set by how deep the user's program calls, the same for any
   * provider's resources (remote.Command too), none of it ours to shrink.
   */
  traceBytes: number;
  /** The longest `__provider` text among its inputs and outputs (0 for non-dynamic resources). */
  providerBytes: number;
  /** Whether a `__provider` text names a file-system path (e.g. "/home/alice/app/node_modules/..."). */
  providerHasPath: boolean;
}

interface ExportedResource {
  urn: string;
  type: string;
  stackTrace?: unknown;
  sourcePosition?: unknown;
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
        urn: r.urn,
        bytes: Buffer.byteLength(JSON.stringify(r)),
        traceBytes: Buffer.byteLength(JSON.stringify(r)) - Buffer.byteLength(JSON.stringify({ ...r, stackTrace: undefined, sourcePosition: undefined })),
        providerBytes: Math.max(0, ...texts.map((p) => Buffer.byteLength(p))),
        providerHasPath: texts.some((p) => PATH.test(p)),
      };
    });
}

const meanOf = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : 0);

/** One line per resource, then the mean, for test logs and the closing measurements. */
export function formatBytes(rows: ResourceBytes[]): string {
  const mean = meanOf(rows.map((r) => r.bytes));
  return [
    ...rows.map((r) => `${String(r.bytes).padStart(6)} B state (${String(r.traceBytes).padStart(4)} B SDK stack trace), ${String(r.providerBytes).padStart(5)} B __provider${r.providerHasPath ? " (has a path)" : ""}  ${r.name}`),
    `mean ${mean} B per resource over ${rows.length} resources (${meanOf(rows.map((r) => r.bytes - r.traceBytes))} B without the SDK's stack trace)`,
  ].join("\n");
}

// `pulumi stack export | node dist/test/helpers/statesize.js`: the same table for any stack.
if (require.main === module) {
  const chunks: Buffer[] = [];
  process.stdin.on("data", (c: Buffer) => chunks.push(c)).on("end", () => console.log(formatBytes(stateBytes(Buffer.concat(chunks).toString("utf8")))));
}
