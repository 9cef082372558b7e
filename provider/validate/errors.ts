import type { z } from "zod";

/** One failed property, shaped like Pulumi's CheckFailure. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** zod issues → check failures naming the resource's property path. */
export function toFailures(resource: string, issues: readonly z.core.$ZodIssue[]): CheckFailure[] {
  return issues.flatMap((i) => {
    // A misspelt key is named on its own path, so `hostkey` is not silently dropped unpinned.
    if (i.code === "unrecognized_keys") {
      return i.keys.map((k) => {
        const path = [...i.path.map(String), k].join(".");
        return { property: path, reason: `${resource}.${path}: unknown property; remove it or fix its spelling (see the documented properties)` };
      });
    }
    const path = i.path.map(String).join(".") || "(inputs)";
    return [{ property: path, reason: `${resource}.${path}: ${i.message}` }];
  });
}
