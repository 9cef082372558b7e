import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/**
 * The owner named in every object's ownership mark: `<project>/<stack>/<type>/<name>`. The mark
 * (`pulumi-netns:<owner>`) lets a create tell its own leftovers (an interrupted run) from another
 * stack's objects, and errors name the owner. Characters an ifalias or iptables comment cannot
 * safely hold become '_'; then, or when too long, a short hash of the exact text keeps it unique.
 */
function ownerOf(type: string, name: string): string {
  const exact = `${pulumi.getProject()}/${pulumi.getStack()}/${type}/${name}`;
  const safe = markSafe(exact);
  if (safe === exact && safe.length <= 160) return safe;
  return `${safe.slice(0, 150)}=${createHash("sha256").update(exact).digest("hex").slice(0, 8)}`;
}

/** The default comment of an IptablesRule or NatRule: unique per stack and resource. */
export function ruleCommentFor(name: string): string {
  return markSafe(`pulumi-netns:${pulumi.getStack()}:${name}`).slice(0, 200);
}

/** The text with every character an ifalias or iptables comment cannot safely hold made '_'. */
function markSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_.:/@=+-]/g, "_");
}

/** Ownership inputs every resource that makes kernel objects takes. */
export interface OwnershipArgs {
  /**
   * Take over an existing object that nobody marked (e.g. built by hand) when it matches this
   * declaration exactly: only the ownership mark is added. One that differs is refused with the
   * differences listed, and nothing changes on the host. Default false (refuse any existing object).
   */
  adopt?: pulumi.Input<boolean>;
}

/** The common inputs for a resource's constructor: its owner, and `adopt` when set. */
export function owned(type: string, name: string, args: OwnershipArgs): { owner: string; adopt?: pulumi.Input<boolean> } {
  return { owner: ownerOf(type, name), adopt: args.adopt };
}
