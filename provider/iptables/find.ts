import type { Found } from "../takeover";

/**
 * The rule a resource manages in its chain's listing (`iptables -S`, parsed): the one carrying its
 * comment first, else the first with the declared match and target whatever its comment (hand-made,
 * or another owner's), as takeover.ts needs it: its mark is its comment, its index the rule number.
 */
export function findRule<R extends { comment?: string }>(rules: readonly R[], comment: string, same: (r: R) => boolean, chain: string, match: string): { rule?: R; found: Found } {
  const byComment = rules.findIndex((r) => r.comment === comment);
  const index = byComment >= 0 ? byComment : rules.findIndex(same);
  const rule = index >= 0 ? rules[index] : undefined;
  // For messages: "an identical nat/POSTROUTING rule (-s ... -j MASQUERADE) already exists and ...".
  const what = byComment >= 0 ? `${chain} rule with comment ${comment}` : `${rule ? "an identical " : ""}${chain} rule (${match})`;
  return { rule, found: { what, missing: !rule, mark: rule?.comment, index: index + 1 } };
}
