import { z } from "zod";
import { ip } from "./ip/command";
import { shellJoin, shellQuote } from "./ssh/quote";

/**
 * Ownership marks. Every object we make carries one naming its owner: links (the alias,
 * IFLA_IFALIAS), a namespace (the alias of its `lo`), NAT rules (the iptables comment), routes
 * and sysctls (a record under /run/pulumi-netns/, see provider/state/record.ts). The mark is
 * `pulumi-netns:<owner>`, the owner being `<project>/<stack>/<type>/<name>` as the SDK computes it
 * (sdk/owner.ts). Read and delete act only on objects carrying their own mark; a create that finds
 * its own mark takes the object over (an interrupted run made it), another owner's is refused
 * naming that owner, an unmarked one is refused unless `adopt` is set and it matches exactly.
 */

/** The mark of the previous release (no identity): objects it made stay readable and deletable. */
export const OWNER_MARK = "pulumi-netns";

/** Every identity mark starts with this. */
export const MARK_PREFIX = `${OWNER_MARK}:`;

/** Characters a mark may hold: safe in an ifalias, an iptables comment and a file (no quoting surprises). */
const OWNER_RE = /^[A-Za-z0-9_.:/@=+-]{1,200}$/;

/** The `owner` input common to every resource (validated at check: a bad one would break the mark format). */
export const ownerName = z
  .string({ error: "owner must be a string such as \"project/stack/Type/name\"" })
  .regex(OWNER_RE, "owner may contain only letters, digits and _.:/@=+- (at most 200); the SDK computes it from project, stack and resource name");

/** The mark for an owner; without one (state from the previous release), the global mark. */
export function markOf(owner: string | undefined): string {
  return owner ? MARK_PREFIX + owner : OWNER_MARK;
}

/** Who a mark on the host names, for errors: "stack-a's NetNamespace ns1 (project/stack/...)" style. */
export function describeMark(mark: string): string {
  if (mark === OWNER_MARK) return "an earlier release of pulumi-netns (no owner recorded)";
  if (mark.startsWith(MARK_PREFIX)) return mark.slice(MARK_PREFIX.length);
  return `"${mark}"`;
}

/** Shell condition: link `name` in namespace `ns` exists and carries `mark` (default: the previous release's). */
export function ownedLinkProbe(ns: string | undefined, name: string, mark: string = OWNER_MARK): string {
  // `ip link show` prints the alias on its own line: match it whole (JSON would escape '/').
  return `${shellJoin(ip(ns, "link", "show", "dev", name))} 2>/dev/null | grep -qxF ${shellQuote(`    alias ${mark}`)}`;
}
