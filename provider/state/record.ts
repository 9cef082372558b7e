import { shellQuote } from "../ssh/quote";

/**
 * Ownership records for objects that have no field to hold a mark (routes, sysctls): a small
 * file under /run/pulumi-netns/ on the host naming the owner (and, for a sysctl, the value to
 * restore). /run is a tmpfs: a reboot clears the record exactly when it clears the route or the
 * sysctl value, so a record never outlives what it describes by more than a deleted namespace.
 */
export const RECORD_DIR = "/run/pulumi-netns";

/** The record file for one object: `/run/pulumi-netns/<kind>/<part>__<part>...` ('/' in parts becomes '_'). */
export function recordPath(kind: "route" | "sysctl", ...parts: Array<string | number | undefined>): string {
  const enc = (p: string | number | undefined) => (p === undefined || p === "" ? "%" : String(p).replace(/\//g, "_"));
  return `${RECORD_DIR}/${kind}/${parts.map(enc).join("__")}`;
}

export interface OwnerRecord {
  mark: string;
  /** Lines after the mark (e.g. a sysctl's previous value). */
  rest: string[];
}

/** Parse a record's text; undefined when there is none. */
export function parseRecord(text: string): OwnerRecord | undefined {
  const lines = text.split("\n");
  if (!lines[0]) return undefined;
  return { mark: lines[0], rest: lines.slice(1) };
}

/**
 * `sh -c 'mkdir -p DIR && { printf "%s\n" MARK; [CMD...]; } > FILE'`: write a record holding
 * `mark`, then the output of `capture` (e.g. `sysctl -n KEY`, the value to restore), if given.
 */
export function recordWrite(file: string, mark: string, capture: readonly string[] = []): string[] {
  return ["sh", "-c", 'f=$1; m=$2; shift 2; mkdir -p "${f%/*}" && { printf "%s\\n" "$m"; if [ "$#" -gt 0 ]; then "$@"; fi; } > "$f"', "record", file, mark, ...capture];
}

/** `rm -f FILE`, then its folders if empty (a host with no records left has no /run/pulumi-netns either). */
export const recordRemove = (file: string): string[] =>
  ["sh", "-c", 'rm -f "$1"; rmdir "${1%/*}" 2>/dev/null && rmdir "${1%/*/*}" 2>/dev/null; true', "record", file];

/** `cat FILE` (in a "show or empty" section: nothing when there is no record). */
export const recordShow = (file: string): string[] => ["cat", file];

/**
 * Shell condition: the record names `mark`. Without one (state from the previous release, which
 * kept no record), a missing record or the global mark matches.
 */
export function recordMarkIs(file: string, mark: string | undefined): string {
  const is = (m: string) => `[ "$(head -n 1 ${shellQuote(file)} 2>/dev/null)" = ${shellQuote(m)} ]`;
  return mark === undefined ? `{ ${is("")} || ${is(LEGACY_MARK)}; }` : is(mark);
}

/** The previous release's global mark (marker.ts's OWNER_MARK; repeated here to keep state/ free of imports from above it). */
const LEGACY_MARK = "pulumi-netns";
