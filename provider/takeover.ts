import type { Argv } from "./ssh/quote";
import { Script } from "./ssh/script";
import { describeMark, MARK_PREFIX } from "./marker";
import type { LinkState } from "./state/link";

/** One kernel object a resource manages, as found on the host (whatever its mark). */
export interface Found {
  /** For messages: "link veth10 in namespace NS1". */
  what: string;
  /** Not on the host. */
  missing?: boolean;
  /** Its ownership mark; undefined when unmarked. */
  mark?: string;
  /** The kind found, when it is not the kind declared ("bridge" where a veth is declared). */
  kind?: string;
  wantKind?: string;
  /** Its position, for objects in an ordered list (an iptables rule number). */
  index?: number;
}

/** Where an object lives, for messages: "namespace NS1" or "the host namespace". */
export const where = (ns?: string): string => (ns ? `namespace ${ns}` : "the host namespace");

/** A link as found (or missing): marked by its alias; `wantKind` when the declared kind must match. */
export function foundLink(what: string, l: Pick<LinkState, "alias" | "kind"> | undefined, wantKind?: string): Found {
  return { what, missing: !l, mark: l?.alias, kind: l?.kind, wantKind };
}

/** What is on the host under a resource's kernel names, and its live properties (as `read` reports them). */
export interface Look<L> {
  objects: Found[];
  /** Undefined when nothing is there. */
  live?: L;
}

/** Thrown by a create that looked first and found something (instead of a script's "exists" refusal). */
export class ExistsError extends Error {}

/** What create does with objects it finds under its names. */
export type Verdict =
  | { act: "create" }
  | { act: "takeover"; note: string }
  | { act: "update"; note: string; diffs: string[] }
  | { act: "replace"; note: string }
  | { act: "mark"; note: string }
  | { act: "inherit"; note: string }
  | { act: "refuse"; message: string };

/**
 * The ownership rules of create, as a pure function of what is there:
 * - nothing there: create;
 * - everything carries our mark: take over if it matches, else bring it to spec (update);
 *   some of it missing (half a leftover): replace;
 * - a kind that differs (a bridge where a veth is declared): refuse naming both kinds;
 * - marked by a predecessor (the resources this one succeeds in the same stack, e.g. NodeNetwork's
 *   expanded form of a namespace when it becomes one BridgedNamespace), the rest ours or missing:
 *   inherit (re-mark, then judge again as ours: nothing is recreated);
 * - anything marked by another owner: refuse naming it;
 * - unmarked (or the previous release's global mark): refuse, unless `adopt` is set and it
 *   matches the declared spec exactly: then mark it (nothing else changes on the host).
 */
export function judge(look: Look<object>, declared: Record<string, unknown>, mine: string, adopt: boolean, compare: (live: object) => string[], predecessors: readonly string[] = []): Verdict {
  const present = look.objects.filter((o) => !o.missing);
  if (present.length === 0) return { act: "create" };
  const wrongKind = present.find((o) => o.wantKind && o.kind !== o.wantKind);
  if (wrongKind) {
    return { act: "refuse", message: `${wrongKind.what} already exists as a ${wrongKind.kind ?? "plain link"}, not the ${wrongKind.wantKind} declared; delete it or choose another name` };
  }
  const inherited = present.filter((o) => o.mark !== undefined && predecessors.includes(o.mark));
  if (inherited.length > 0 && present.every((o) => o.mark === mine || inherited.includes(o))) {
    const owners = [...new Set(inherited.map((o) => describeMark(o.mark!)))].join(", ");
    return { act: "inherit", note: `took over ${inherited.map((o) => o.what).join(", ")} in place from ${owners}, which this resource succeeds` };
  }
  const other = present.find((o) => o.mark !== mine && o.mark?.startsWith(MARK_PREFIX));
  if (other) {
    return { act: "refuse", message: `${other.what} already exists and belongs to ${describeMark(other.mark!)}; remove it there or choose another name` };
  }
  const diffs = look.live ? compare(look.live) : ["(could not read the object)"];
  if (present.every((o) => o.mark === mine)) {
    if (present.length < look.objects.length) {
      return { act: "replace", note: `replaced a partial leftover of this resource (${look.objects.filter((o) => o.missing).map((o) => o.what).join(", ")} missing)` };
    }
    if (diffs.length === 0) return { act: "takeover", note: "took over objects this resource made in an interrupted run (matching the spec)" };
    return { act: "update", note: `brought this resource's leftover objects to spec (${diffs.join("; ")})`, diffs };
  }
  const foreign = present.filter((o) => o.mark !== mine);
  const names = foreign.map((o) => o.what).join(", ");
  const legacy = foreign.some((o) => o.mark !== undefined);
  if (!adopt) {
    const whose = legacy ? "is marked by an earlier release of pulumi-netns (no owner recorded)" : "is not managed by this resource";
    return { act: "refuse", message: `${names} already exists and ${whose}; delete it, choose another name, or set adopt: true to take over an object that matches the declaration exactly` };
  }
  const missing = look.objects.filter((o) => o.missing).map((o) => `${o.what} is missing`);
  const all = [...missing, ...diffs];
  if (all.length > 0) {
    return { act: "refuse", message: `adopt: ${names} differs from the declaration, nothing was changed: ${all.join("; ")}` };
  }
  return { act: "mark", note: `adopted ${names} (matching the declaration; only the ownership mark was added)` };
}

/** Differences between live and declared values of the keys live reports, for messages. */
export function differences(live: object, declared: Record<string, unknown>, equal: (a: unknown, b: unknown) => boolean, keys: string[]): string[] {
  const l = live as Record<string, unknown>;
  return keys.filter((k) => k in l && !equal(l[k], declared[k])).map((k) => `${k}: ${show(l[k])} on the host, ${show(declared[k])} declared`);
}

const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));

/** A script that runs mark steps (each with no undo: a mark is harmless to leave). */
export function markScript(steps: Argv[]): string {
  const s = new Script();
  for (const a of steps) s.step(a);
  return s.toString();
}
