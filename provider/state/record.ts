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

/** `rm -f FILE` */
export const recordRemove = (file: string): string[] => ["rm", "-f", file];

/** `cat FILE` (in a "show or empty" section: nothing when there is no record). */
export const recordShow = (file: string): string[] => ["cat", file];

/** Shell condition: the record's first line is `mark` (for the previous release's objects, which had no record: `""` matches a missing one). */
export function recordMarkIs(file: string, mark: string | undefined): string {
  return `[ "$(head -n 1 ${shellQuote(file)} 2>/dev/null)" = ${shellQuote(mark ?? "")} ]`;
}
