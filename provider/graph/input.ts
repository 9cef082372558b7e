/**
 * Reads what `pulumi stack export` or `pulumi preview --json` printed into one list of
 * resources, each with the change the preview plans for it. Only the shapes this needs are
 * declared; everything else in the documents is ignored (notably `__provider`, whose text
 * changes with how providers are serialized, and every secret).
 */
import { GraphInputError } from "./errors";

/** What a preview plans for an element; "same" when nothing changes (and always for an export). */
export type Change = "same" | "added" | "removed" | "changed" | "replaced";

export interface Res {
  urn: string;
  /** Type token, e.g. pulumi-nodejs:dynamic/netns:Bridge or pulumi-netns:index:NodeNetwork. */
  type: string;
  /** The last part of the token for our resources (Bridge, VethPair, ...); "" for others. */
  kind: string;
  name: string;
  id?: string;
  parent?: string;
  /** The resource's properties as they will be (inputs overlaid with outputs). */
  props: Record<string, unknown>;
  /** Its properties before the change (changed/replaced/removed elements of a preview). */
  old?: Record<string, unknown>;
  /** Which properties differ is found by comparing old and new (dynamic providers' steps carry no detailedDiff). */
  change: Change;
}

export interface ParsedInput {
  source: "export" | "preview";
  resources: Res[];
  /** A preview without its unchanged resources (run without --show-sames): only part of the network. */
  partial?: boolean;
}

/** A dynamic resource of this package: pulumi-nodejs:dynamic/netns:<Kind>. */
const NETNS_TYPE = /^pulumi-nodejs:dynamic\/netns:([A-Za-z0-9_]+)$/;
/** This package's components: pulumi-netns:<module>:<Kind>. */
const COMPONENT_TYPE = /^pulumi-netns:[A-Za-z0-9_]*:([A-Za-z0-9_]+)$/;

export function kindOf(type: string): string {
  return NETNS_TYPE.exec(type)?.[1] ?? COMPONENT_TYPE.exec(type)?.[1] ?? "";
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

const OPS: Record<string, Change> = {
  same: "same", read: "same", refresh: "same", "discard": "removed", "read-discard": "removed",
  create: "added", delete: "removed", update: "changed",
  replace: "replaced", "create-replacement": "replaced", "delete-replaced": "replaced",
  "import": "added", "import-replacement": "replaced", "remove-pending-replace": "same",
};

interface StateLike { urn?: unknown; type?: unknown; id?: unknown; parent?: unknown; inputs?: unknown; outputs?: unknown }

function propsOf(s: StateLike | undefined): Record<string, unknown> {
  const inputs = isObj(s?.inputs) ? s.inputs : {};
  const outputs = isObj(s?.outputs) ? s.outputs : {};
  const p = { ...inputs, ...outputs };
  delete p.__provider; // serialized provider code: never drawn, never read
  return p;
}

function fromState(s: StateLike, change: Change): Res | undefined {
  if (typeof s.urn !== "string" || typeof s.type !== "string") return undefined;
  return {
    urn: s.urn, type: s.type, kind: kindOf(s.type), name: nameOf(s.urn),
    id: typeof s.id === "string" && s.id ? s.id : undefined,
    parent: typeof s.parent === "string" ? s.parent : undefined,
    props: propsOf(s), change,
  };
}

function fromExport(doc: Record<string, unknown>): ParsedInput {
  const dep = doc.deployment;
  if (!isObj(dep)) throw new GraphInputError("this is a stack export without a deployment; export the stack with `pulumi stack export`");
  const list = Array.isArray(dep.resources) ? dep.resources : [];
  const resources = list.filter(isObj).map((s) => fromState(s, "same")).filter((r): r is Res => !!r);
  return { source: "export", resources };
}

function fromPreview(doc: Record<string, unknown>): ParsedInput {
  const errors = (Array.isArray(doc.diagnostics) ? doc.diagnostics : [])
    .filter(isObj).filter((d) => d.severity === "error");
  if (errors.length) {
    const first = String(errors[0].message ?? "").replace(/\s+/g, " ").trim();
    throw new GraphInputError(`the preview failed (${errors.length} error${errors.length > 1 ? "s" : ""}), so there is no planned network to draw: ${first.slice(0, 300)}`);
  }
  const byUrn = new Map<string, Res>();
  for (const step of (Array.isArray(doc.steps) ? doc.steps : []).filter(isObj)) {
    const change = OPS[String(step.op)] ?? "changed";
    const oldS = isObj(step.oldState) ? step.oldState : undefined;
    const newS = isObj(step.newState) ? step.newState : undefined;
    const r = fromState(change === "removed" ? oldS ?? {} : newS ?? oldS ?? {}, change);
    if (!r) continue;
    if (oldS && change !== "added") r.old = propsOf(oldS);
    if (!r.id && typeof oldS?.id === "string" && oldS.id) r.id = oldS.id; // a planned update keeps its ID
    // A replacement shows as create-replacement + delete-replaced (+ replace): keep one, "replaced".
    const seen = byUrn.get(r.urn);
    if (!seen || seen.change === "same") byUrn.set(r.urn, r);
  }
  const summary = isObj(doc.changeSummary) ? doc.changeSummary : {};
  const sames = [...byUrn.values()].filter((r) => r.change === "same" && r.type !== "pulumi:pulumi:Stack").length;
  return { source: "preview", resources: [...byUrn.values()], partial: Number(summary.same ?? 0) > 1 && sames === 0 };
}

/** Parse the text of an export or a preview; throws GraphInputError (one line) on anything else. */
export function parseInput(text: string): ParsedInput {
  if (!text.trim()) throw new GraphInputError("the input is empty; pipe in `pulumi stack export` or `pulumi preview --json`");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new GraphInputError(`the input is not JSON (${(e as Error).message.split("\n")[0]}); pipe in \`pulumi stack export\` or \`pulumi preview --json\``);
  }
  if (!isObj(doc)) throw new GraphInputError("the input is JSON but not an object; expected `pulumi stack export` or `pulumi preview --json` output");
  const parsed = "deployment" in doc ? fromExport(doc)
    : "steps" in doc || "diagnostics" in doc || "changeSummary" in doc ? fromPreview(doc)
    : undefined;
  if (!parsed) {
    throw new GraphInputError("the input is JSON of another shape (no `deployment` or `steps`); expected `pulumi stack export` or `pulumi preview --json` output");
  }
  if (!parsed.resources.some((r) => NETNS_TYPE.test(r.type))) {
    throw new GraphInputError(`the ${parsed.source === "export" ? "stack" : "preview"} has no pulumi-netns resources (pulumi-nodejs:dynamic/netns:*), so there is no network to draw`);
  }
  return parsed;
}
