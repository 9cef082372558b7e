import { ip } from "./ip/command";
import { shellJoin, shellQuote } from "./ssh/quote";

/**
 * Ownership mark. Links carry it as their alias (IFLA_IFALIAS), a namespace on
 * its `lo`; read and delete act only on objects that carry it.
 */
export const OWNER_MARK = "pulumi-netns";

/** Shell condition: link `name` in namespace `ns` exists and carries our mark. */
export function ownedLinkProbe(ns: string | undefined, name: string): string {
  return `${shellJoin(ip(ns, "-json", "link", "show", "dev", name))} 2>/dev/null | grep -qF ${shellQuote(`"ifalias":"${OWNER_MARK}"`)}`;
}
