import type { z } from "zod";

/** One failed property, shaped like Pulumi's CheckFailure. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** zod issues → check failures naming the resource's property path. */
export function toFailures(resource: string, issues: readonly z.core.$ZodIssue[]): CheckFailure[] {
  return issues.map((i) => {
    const path = i.path.map(String).join(".") || "(inputs)";
    return { property: path, reason: `${resource}.${path}: ${i.message}` };
  });
}
